"""The built book, opened page by page in headless Chromium with the network blocked.

Run after ``make book`` (``make test`` does both).  Each page must load with no
JavaScript errors and no failed or external requests, show every image with alt
text, render its math with MathJax (served from the book itself), give every
animation its player controls, and link only to pages and anchors that exist.
A full-page screenshot of each page is saved under ``_build/screenshots/``.

Interactive 3-D figures (``msutils.plotting.kde_surface_3d`` etc.) draw with
WebGL, which headless Chromium provides in software (SwiftShader): each must
replace its fallback picture by a non-blank Plotly scene that turns when
dragged.  Exercises must be numbered and linkable, with their worked
solutions collapsed until opened.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import re
import shutil
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static"}
FIGURE_MARKER = '<div class="msutils-3d"'
# The chapters whose 3-D figures are interactive (issue 15), and every chapter (exercises).
CHAPTERS_3D = ["book/01_kde.html", "book/04_blobs.html", "book/05_thermograph.html"]
CHAPTERS = ["book/01_kde.html", "book/02_bandwidth.html", "book/03_mean_shift.html",
            "book/convergence.html", "book/failure_modes.html", "book/04_blobs.html",
            "book/05_thermograph.html"]


def _pages() -> list[str]:
    if not (HTML / "index.html").exists():
        return []
    pages = []
    for path in sorted(HTML.rglob("*.html")):
        rel = path.relative_to(HTML)
        if rel.parts[0] in SKIP_DIRS or rel.parts[0].startswith(".") or rel.name == "index.html" and rel.parent == Path("."):
            continue  # index.html is only a redirect to book/intro.html
        pages.append(rel.as_posix())
    return pages


PAGES = _pages()


def _pages_containing(text: str) -> list[str]:
    return [rel for rel in PAGES if text in (HTML / rel).read_text(encoding="utf-8")]


FIGURE_PAGES = _pages_containing(FIGURE_MARKER)
SOLUTION_PAGES = _pages_containing('class="solution')


def test_book_was_built():
    assert (HTML / "index.html").exists(), "no built book at _build/html: run `make book` first"
    expected = {f"book/{name}.html" for name in (
        "intro", "01_kde", "02_bandwidth", "03_mean_shift", "convergence", "failure_modes",
        "04_blobs", "05_thermograph", "errata", "segmenting_photos", "performance", "api", "references")}
    assert expected <= set(PAGES), f"pages missing from the build: {sorted(expected - set(PAGES))}"


@pytest.fixture(scope="session")
def server():
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        hint = "Chromium not found: install Debian's package with `apt-get install -y chromium` (or set CHROMIUM=/path)."
        if os.environ.get("CI"):
            pytest.fail(hint)
        pytest.skip(hint + " Skipping the browser tests on this developer machine; CI runs them.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # WebGL (Plotly's 3-D scenes) from the SwiftShader software renderer: no GPU needed.
            args=["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                  "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def open_page(browser, server):
    """Open a page of the book with every request outside the local server blocked."""
    contexts = []

    def _open(rel: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        contexts.append(context)
        problems: list[str] = []

        def route(r):
            if r.request.url.startswith(server) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                problems.append(f"external request blocked: {r.request.url}")
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        in_flight: set = set()

        def failed(r):
            in_flight.discard(r)
            problems.append(f"request failed: {r.url} ({r.failure})")

        page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: in_flight.add(r))
        page.on("requestfinished", lambda r: in_flight.discard(r))
        page.on("requestfailed", failed)
        page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
        page.goto(server + rel, wait_until="load")
        # Wait until no request has been in flight for 0.5 s.  (Playwright's "networkidle"
        # never comes on pages that load plotly.min.js, although every request has finished.)
        quiet_since, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
            if in_flight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= 0.5:
                break
        else:
            problems.append(f"requests still in flight after 60 s: {[r.url for r in in_flight]}")
        # Wait for MathJax to finish typesetting, where the page loads it.
        page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
        page.evaluate("() => window.MathJax ? window.MathJax.startup.promise : null")
        return page, problems

    yield _open
    for c in contexts:
        c.close()


@pytest.mark.parametrize("rel", PAGES)
def test_page_renders_cleanly(open_page, rel):
    page, problems = open_page(rel)

    # Images: decoded, and described for screen readers.
    images = page.evaluate(
        """async () => Promise.all([...document.querySelectorAll('img')].map(async (img) => {
            try { await img.decode(); } catch (e) {}
            return {src: img.getAttribute('src').slice(0, 80), w: img.naturalWidth,
                    alt: (img.getAttribute('alt') || '').trim(),
                    inAnimation: !!img.closest('.animation')};
        }))"""
    )
    for img in images:
        assert img["w"] > 0, f"{rel}: image did not decode: {img['src']}"
        assert img["alt"], f"{rel}: image without alt text: {img['src']}"

    # Math: every math element typeset by MathJax, no raw TeX left.
    math = page.evaluate(
        """() => [...document.querySelectorAll('.math')].map(
            (el) => ({typeset: !!el.querySelector('mjx-container'), text: el.textContent.slice(0, 60)}))"""
    )
    for m in math:
        assert m["typeset"], f"{rel}: math not rendered by MathJax: {m['text']!r}"
    body_text = page.inner_text("article") if page.locator("article").count() else page.inner_text("body")
    assert "$$" not in body_text, f"{rel}: raw $$ left in the text"

    # Animations: matplotlib's JavaScript player with its controls, and a frame shown.
    n_anim = page.locator("div.animation").count()
    for i in range(n_anim):
        anim = page.locator("div.animation").nth(i)
        assert anim.locator("button").count() >= 5, f"{rel}: animation {i} has no player controls"
        assert anim.locator("input[type=range]").count() == 1, f"{rel}: animation {i} has no frame slider"

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (rel.replace("/", "__").removesuffix(".html") + ".png")), full_page=True)
    assert not problems, f"{rel}:\n" + "\n".join(problems)


@pytest.mark.parametrize("rel", ["book/02_bandwidth.html", "book/03_mean_shift.html"])
def test_animation_plays(open_page, rel):
    page, problems = open_page(rel)
    anim = page.locator("div.animation").first
    assert anim.count() == 1, f"{rel}: no animation on the page"
    img = anim.locator("img").first
    first = img.get_attribute("src")
    slider = anim.locator("input[type=range]")
    anim.scroll_into_view_if_needed()
    # Step forward twice with the player's own 'next frame' control.
    n_frames = int(slider.get_attribute("max")) + 1
    assert n_frames >= 5, f"{rel}: only {n_frames} frames"
    next_button = anim.locator("button[title='Next frame'], button:has(i.fa-step-forward)").first
    next_button.click()
    next_button.click()
    assert slider.input_value() == "2"
    assert img.get_attribute("src") != first, f"{rel}: the frame did not change"
    assert not problems, "\n".join(problems)


def test_search_finds_bandwidth(open_page):
    page, problems = open_page("search.html?q=bandwidth")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.locator("#search-results ul.search li").count()
    assert hits >= 3, f"search for 'bandwidth' found only {hits} page(s)"
    assert not problems, "\n".join(problems)


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("rel", PAGES)
def test_internal_links_resolve(rel):
    broken = []
    base = "http://book.invalid/" + rel
    for href in _parse(HTML / rel).hrefs:
        url = urljoin(base, href)
        parsed = urlparse(url)
        if parsed.netloc != "book.invalid":
            continue  # external links are not followed offline
        target_rel, fragment = urldefrag(unquote(parsed.path.lstrip("/")))
        target = HTML / target_rel
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{href} -> missing {target_rel}")
            continue
        fragment = unquote(urlparse(url).fragment)
        if fragment and target.suffix == ".html" and fragment not in _parse(target).ids:
            broken.append(f"{href} -> no anchor #{fragment} in {target_rel}")
    assert not broken, f"{rel}: broken internal links:\n" + "\n".join(broken)


# ---------------------------------------------------------------------------
# Interactive 3-D figures (issue 15)


def _png_stats(png: bytes, box: tuple[float, float, float, float] | None = None) -> tuple[float, float]:
    """Standard deviation of the grey levels of a screenshot (or of ``box``, fractions of its
    width and height), and the fraction of pixels that are not near-white."""
    import numpy as np
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("L")
    if box is not None:
        w, h = img.size
        img = img.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    grey = np.asarray(img, dtype=np.float64)
    return float(grey.std()), float((grey < 235).mean())


def _png_difference(a: bytes, b: bytes) -> float:
    """Fraction of pixels whose grey level differs by more than 16 between two screenshots."""
    import numpy as np
    from PIL import Image

    ga = np.asarray(Image.open(io.BytesIO(a)).convert("L"), dtype=np.int16)
    gb = np.asarray(Image.open(io.BytesIO(b)).convert("L"), dtype=np.int16)
    if ga.shape != gb.shape:
        return 1.0
    return float((np.abs(ga - gb) > 16).mean())


@pytest.mark.parametrize("rel", CHAPTERS_3D)
def test_chapter_has_an_interactive_figure(rel):
    """Chapters 1, 4 and 5 each show at least one 3-D figure the reader can turn."""
    assert (HTML / rel).exists(), f"{rel} was not built"
    n = (HTML / rel).read_text(encoding="utf-8").count(FIGURE_MARKER)
    assert n >= 1, f"{rel}: no interactive 3-D figure (msutils.plotting.kde_surface_3d / clusters_3d / colour_cloud_3d)"


def test_plotly_is_served_by_the_book():
    """plotly.min.js sits in the book's _static folder, and only pages with a figure load it."""
    js = HTML / "_static" / "plotly.min.js"
    assert js.exists() and js.stat().st_size > 1_000_000, "plotly.min.js missing from _build/html/_static"
    assert js.read_text(encoding="utf-8", errors="replace")[:200].lstrip().startswith("/**\n* plotly.js v")
    for rel in PAGES:
        text = (HTML / rel).read_text(encoding="utf-8")
        loads = re.findall(r'<script[^>]*src="([^"]*plotly[^"]*)"', text)
        if FIGURE_MARKER in text:
            assert len(loads) == 1 and loads[0].split("?")[0].endswith("_static/plotly.min.js"), (
                f"{rel}: should load the book's own plotly.min.js once, loads {loads}")
        else:
            assert not loads, f"{rel}: loads {loads} without any interactive figure"
        assert not re.search(r'<script[^>]*src="(https?:)?//', text), f"{rel}: loads a script from another site"
        assert "require.min.js" not in text and "cdn.plot.ly" not in text, f"{rel}: CDN script reference"


@pytest.mark.parametrize("rel", sorted(set(FIGURE_PAGES) | set(CHAPTERS_3D)))
def test_interactive_figures_draw_and_turn(open_page, rel):
    """Every interactive figure replaces its fallback picture by a Plotly scene drawn with WebGL
    (not blank), and dragging on it turns the camera and changes the picture."""
    page, problems = open_page(rel)
    figures = page.locator("div.msutils-3d")
    n = figures.count()
    assert n >= 1, f"{rel}: no interactive 3-D figure on the page"
    assert page.evaluate("() => typeof window.Plotly") == "object", f"{rel}: window.Plotly is not defined"
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = rel.replace("/", "__").removesuffix(".html")
    for i in range(n):
        fig = figures.nth(i)
        fig_id = fig.get_attribute("id")
        assert re.fullmatch(r"msutils-3d-[A-Za-z0-9_-]+", fig_id or ""), f"{rel}: figure id {fig_id!r}"
        fig.scroll_into_view_if_needed()
        page.wait_for_function(
            "(el) => el.getAttribute('data-drawn') === '1' && el._fullLayout && el._fullLayout.scene", arg=fig.element_handle(),
            timeout=30_000)
        state = fig.evaluate(
            """(el) => ({fallback: el.querySelectorAll('img.msutils-3d-fallback').length,
                         canvases: el.querySelectorAll('.gl-container canvas').length,
                         traces: el._fullData.length,
                         points: el._fullData.reduce((s, t) => s + ((t.x && t.x.length) || 0), 0),
                         webgl: !!el._fullLayout.scene._scene && !!el._fullLayout.scene._scene.glplot,
                         camera: el._fullLayout.scene._scene.getCamera()})"""
        )
        assert state["fallback"] == 0, f"{rel} {fig_id}: the fallback picture was not replaced"
        assert state["canvases"] >= 1 and state["webgl"], f"{rel} {fig_id}: no WebGL scene: {state}"
        assert state["traces"] >= 1 and state["points"] >= 2, f"{rel} {fig_id}: no data drawn: {state}"
        page.wait_for_timeout(300)  # let the first WebGL frame reach the screen
        before = fig.screenshot(path=str(SHOTS / f"{stem}__3d{i}_before.png"))
        # Not blank: the middle of the scene (WebGL: axes, grid, data) has structure.
        spread, inked = _png_stats(before, (0.25, 0.2, 0.75, 0.85))
        assert spread > 8 and inked > 0.02, f"{rel} {fig_id}: the scene looks blank (grey std {spread:.1f}, {inked:.1%} inked)"
        box = fig.bounding_box()
        x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 160, y + 40, steps=12)
        page.mouse.up()
        page.wait_for_timeout(500)
        camera = fig.evaluate("(el) => el._fullLayout.scene._scene.getCamera()")
        moved = max(abs(camera["eye"][k] - state["camera"]["eye"][k]) for k in "xyz")
        assert moved > 0.1, f"{rel} {fig_id}: dragging did not turn the view: {state['camera']} -> {camera}"
        after = fig.screenshot(path=str(SHOTS / f"{stem}__3d{i}_after.png"))
        changed = _png_difference(before, after)
        assert changed > 0.01, f"{rel} {fig_id}: the picture did not change when turned ({changed:.2%} of pixels)"
    assert not problems, f"{rel}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------
# Exercises and their worked solutions (issue 15)


def _exercises(rel: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(id, title) of each exercise, and (id, link target) of each solution, from the page's HTML."""
    text = (HTML / rel).read_text(encoding="utf-8")
    exercises = re.findall(
        r'<div class="exercise[^"]*" id="([^"]+)">\s*<p class="admonition-title">(.*?)</p>', text, re.S)
    solutions = re.findall(
        r'<div class="solution[^"]*" id="([^"]+)">\s*<p class="admonition-title">.*?href="#([^"]+)"', text, re.S)
    return ([(i, re.sub(r"<[^>]+>", "", t).strip()) for i, t in exercises], solutions)


@pytest.mark.parametrize("rel", CHAPTERS)
def test_chapter_ends_with_exercises(rel):
    """Every chapter has 3-5 numbered exercises, each with a worked solution that links to it."""
    if rel not in PAGES and rel.split("/")[-1].split(".")[0] in ("convergence", "failure_modes"):
        pytest.fail(f"{rel} was not built (the chapter of issue 12/13 is expected in the book)")
    exercises, solutions = _exercises(rel)
    assert 3 <= len(exercises) <= 5, f"{rel}: {len(exercises)} exercises, expected 3-5"
    numbers = []
    for ex_id, title in exercises:
        m = re.match(r"Exercise (\d+)\b", title)
        assert m, f"{rel}: exercise {ex_id} has no numbered title: {title!r}"
        assert re.fullmatch(r"ex-[a-z]+-\d+", ex_id), f"{rel}: exercise label {ex_id!r} is not ex-<chapter>-<n>"
        numbers.append(int(m.group(1)))
    assert numbers == sorted(set(numbers)), f"{rel}: exercise numbers not increasing: {numbers}"
    assert sorted(target for _, target in solutions) == sorted(i for i, _ in exercises), (
        f"{rel}: every exercise needs exactly one solution: exercises {[i for i, _ in exercises]}, "
        f"solutions point to {[t for _, t in solutions]}")
    text = (HTML / rel).read_text(encoding="utf-8")
    assert '<h2>Exercises<a class="headerlink" href="#exercises"' in text, f"{rel}: no '## Exercises' heading"


def test_some_page_has_solutions():
    assert SOLUTION_PAGES, "no page of the book has a worked solution (sphinx-exercise `solution-start`)"


@pytest.mark.parametrize("rel", SOLUTION_PAGES)
def test_solutions_are_collapsed_and_open_to_executed_output(open_page, rel):
    """Each solution is a dropdown, hidden on load; opening it shows its text and the output of
    its code, executed when the book was built.  Each exercise's anchor scrolls to it."""
    page, problems = open_page(rel)
    solutions = page.locator("div.solution")
    n = solutions.count()
    assert n >= 1
    for i in range(n):
        sol = solutions.nth(i)
        sol_id = sol.get_attribute("id")
        assert "dropdown" in (sol.get_attribute("class") or ""), f"{rel}: solution {sol_id} is not a dropdown"
        content = sol.locator("section#solution-content, .solution-content, section").first
        sol.scroll_into_view_if_needed()
        assert sol.locator(".admonition-title").is_visible(), f"{rel}: solution {sol_id} has no visible title"
        assert not content.is_visible(), f"{rel}: solution {sol_id} is open on load"
        button = sol.locator("button.toggle-button")
        assert button.count() == 1, f"{rel}: solution {sol_id} has no toggle button"
        button.click()
        content.wait_for(state="visible", timeout=5_000)
        outputs = sol.locator(".cell_output")
        assert outputs.count() >= 1, f"{rel}: solution {sol_id} has no executed code output"
        assert outputs.first.is_visible(), f"{rel}: the output of solution {sol_id} is not shown when opened"
        shown = outputs.first.inner_text().strip() or outputs.first.locator("img").count()
        assert shown, f"{rel}: the output of solution {sol_id} is empty"
    # Anchors: the exercise labels are element ids that the browser scrolls to.
    for ex_id, _ in _exercises(rel)[0]:
        page.evaluate("(id) => { window.location.hash = id; }", ex_id)
        page.wait_for_timeout(200)
        top = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().top", ex_id)
        assert -5 <= top < 450, f"{rel}: #{ex_id} did not scroll to the exercise (top at {top:.0f} px)"
    assert not problems, f"{rel}:\n" + "\n".join(problems)


def test_landing_page_mentions_exercises():
    text = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    body = re.sub(r"<[^>]+>", " ", text.split('<article', 1)[-1])
    assert re.search(r"\bexercises\b", body, flags=re.I), "book/intro.html does not tell the reader about the exercises"
