"""Without Chromium the browser suite must fail in CI (with an install hint) and skip, saying why,
only on a developer's machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_browser_suite_without_chromium(ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CHROMIUM"] = str(ROOT / "no-such-chromium")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m", "browser", "-rs",
         "tests/test_book_browser.py::test_search_finds_bandwidth"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("ci", [True, False], ids=["in-CI", "developer"])
def test_missing_chromium(ci):
    result = _run_browser_suite_without_chromium(ci)
    out = result.stdout + result.stderr
    assert "apt-get install -y chromium" in out, out[-2000:]
    if ci:
        assert result.returncode == 1, out[-2000:]
        assert "1 error" in out or "1 failed" in out, out[-2000:]
    else:
        assert result.returncode == 0, out[-2000:]
        assert "1 skipped" in out and "CI runs them" in out, out[-2000:]
