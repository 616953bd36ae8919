"""The chapters as committed: stored outputs from one clean run, and reproducible.

nbval (``make nbval``) re-runs every notebook and compares its outputs with the
stored ones; these tests check what nbval cannot: that the stored outputs come
from one top-to-bottom run, that no cell printed a warning or an error, that no
machine-specific path leaked in, and that running a chapter twice gives
byte-identical text outputs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb"))
CHAPTERS = ["01_kde", "02_bandwidth", "03_mean_shift", "convergence", "failure_modes", "04_blobs",
            "05_thermograph", "segmenting_photos", "performance"]


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_every_chapter_is_a_notebook():
    names = {p.stem for p in NOTEBOOKS}
    assert set(CHAPTERS) <= names, f"missing notebooks: {sorted(set(CHAPTERS) - names)}"


def test_every_notebook_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    for nb in NOTEBOOKS:
        assert f"file: book/{nb.stem}" in toc, f"{nb.name} is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_come_from_one_clean_run(path):
    nb = nbformat.read(path, as_version=4)
    cells = _code_cells(nb)
    counts = [c.execution_count for c in cells]
    assert None not in counts, f"{path.name}: code cells without stored outputs"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: not run top to bottom in one kernel: {counts}"
    for i, cell in enumerate(cells):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name} cell {i}: stored error"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{path.name} cell {i}: stored stderr output (a warning?): {out.text[:200]!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_machine_paths_or_addresses(path):
    text = path.read_text()
    assert not re.search(r"(/root/|/home/|/tmp/|/work/|/content/drive|C:\\\\)", text), f"{path.name}: absolute path"
    outputs = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
    assert not re.search(r" at 0x[0-9a-f]{6,}", outputs), f"{path.name}: a memory address in an output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_title_and_figures_have_alt_text(path):
    nb = nbformat.read(path, as_version=4)
    titles = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()
              if line.startswith("# ")]
    assert len(titles) == 1, f"{path.name}: expected one '# ' title, found {titles}"
    for i, cell in enumerate(_code_cells(nb)):
        if any("image/png" in out.get("data", {}) for out in cell.outputs):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert alt.strip(), f"{path.name} code cell {i}: figure without alt text in its metadata"


def _text_outputs(nb) -> list[str]:
    """Each cell's printed text (streams joined: how the kernel chunks them varies), then its
    text, HTML and Markdown display outputs."""
    texts = []
    for cell in _code_cells(nb):
        texts.append("".join(out.text for out in cell.outputs if out.output_type == "stream"))
        for out in cell.outputs:
            if out.output_type in ("execute_result", "display_data"):
                data = out.get("data", {})
                texts.extend(data[k] for k in ("text/plain", "text/html", "text/markdown") if k in data)
    return texts


@pytest.mark.slow
def test_rerunning_a_chapter_gives_byte_identical_text_outputs():
    """Run chapter 4 twice in fresh kernels: every text output must match exactly."""
    path = BOOK / "04_blobs.ipynb"
    runs = []
    for _ in range(2):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
        runs.append(_text_outputs(nb))
    assert runs[0], "the chapter produced no text output"
    assert runs[0] == runs[1]
    stored = _text_outputs(nbformat.read(path, as_version=4))
    assert runs[0] == stored, "a fresh run differs from the stored outputs"


# A decimal number in a stored output: its digits (sign, exponent and separators aside) are what
# another CPU's SIMD kernels may change in the last places.
_FLOAT = re.compile(r"(?<![\w.])[-+]?(\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
MAX_SIGNIFICANT_DIGITS = 6


def _significant_digits(token: str) -> int:
    mantissa = re.split(r"[eE]", token.lstrip("+-"))[0]
    return len(mantissa.replace(".", "").lstrip("0")) or 1


def _checked_texts(cell) -> list[str]:
    """What nbval compares as text, and what the prose quotes through glue."""
    texts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            texts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            for mime, value in out.get("data", {}).items():
                if mime.startswith("image/"):
                    continue  # base64 pictures: nbval does not compare them and they hold no numbers
                texts.append(value if isinstance(value, str) else json.dumps(value))
    return texts


def _long_floats(text: str) -> list[str]:
    text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", text)
    return [m.group(0) for m in _FLOAT.finditer(text) if _significant_digits(m.group(0)) > MAX_SIGNIFICANT_DIGITS]


def test_long_float_detector():
    assert _long_floats("h = 3.3336521420531633") == ["3.3336521420531633"]
    assert _long_floats("'1.431650458847352'") == ["1.431650458847352"]
    assert _long_floats("err 4.440892098500626e-15 and 3.2931601681853616e-11") == [
        "4.440892098500626e-15", "3.2931601681853616e-11"]
    assert _long_floats("h = 3.334, 12 clusters, 76,800 px, ratio 0.000123, 1e-12, 2.5e+03, v1.2.3") == []
    assert _long_floats("array([0.123457, 12.5])") == []
    assert _long_floats("array([1.43165046])") == ["1.43165046"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_carry_no_last_bit_digits(path):
    """Glued and printed numbers are rounded to the precision the prose shows (at most
    six significant digits): the last bits of a float depend on the CPU's SIMD kernels."""
    nb = nbformat.read(path, as_version=4)
    bad = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        hits = [f for text in _checked_texts(cell) for f in _long_floats(text)]
        if hits:
            bad[i] = hits[:3]
    assert not bad, (f"{path.name}: cells (0-based index in the notebook) with numbers of more than "
                     f"{MAX_SIGNIFICANT_DIGITS} significant digits in stored outputs: {bad}")
