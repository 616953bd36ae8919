"""Chapters 4 and 5 store only numbers at the precision their prose shows.

numpy and OpenBLAS choose SIMD kernels per processor, so the last bits of a float differ
between machines; a stored output that prints them fails nbval on another CPU. This test
scans the stored glue records and printed lines of the two chapters for floats with more
than 6 significant digits (the prose never uses more) and names the cell.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
FLOAT = re.compile(r"(?<![\w.])[-+]?(\d+\.\d+|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def _significant_digits(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0].lstrip("+-")
    if "." not in mantissa:
        return 0  # an integer (a count, a size): exact, portable
    return len(mantissa.replace(".", "").lstrip("0"))


def _long_floats(text: str) -> list[str]:
    return [m.group(0) for m in FLOAT.finditer(text) if _significant_digits(m.group(0)) > 6]


def test_the_scanner_catches_full_float_reprs():
    assert _long_floats("glue 28.41327348353385 and 3.552713678800501e-15") == [
        "28.41327348353385", "3.552713678800501e-15"]
    assert _long_floats("bandwidth 28.41, NMI 0.824, 76,800 pixels, 1e-12, 1.4317") == []


@pytest.mark.parametrize("name", ["04_blobs.ipynb", "05_thermograph.ipynb"])
def test_stored_outputs_carry_no_long_floats(name):
    nb = nbformat.read(BOOK / name, as_version=4)
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type == "stream":
                text = out.text
            else:
                data = out.get("data", {})
                text = data.get("application/papermill.record/text/plain", "") + data.get("text/plain", "")
            problems += [f"cell {i}: {token}" for token in _long_floats(text)]
    assert not problems, f"{name}: floats with more than 6 significant digits: {problems}"
