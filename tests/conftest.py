"""Fixtures shared by the test modules."""

from __future__ import annotations

import matplotlib.pyplot as plt  # the backend is set to Agg by the repository's root conftest.py
import pytest


@pytest.fixture
def ax():
    """A fresh 2-D matplotlib axes, closed after the test."""
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture
def ax3d():
    """A fresh 3-D matplotlib axes, closed after the test."""
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    yield ax
    plt.close(fig)
