"""Fixtures shared by the test modules."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests never open windows

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


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
