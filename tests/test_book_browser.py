"""The built book, opened page by page in headless Chromium with the network blocked.

Run after ``make book`` (``make test`` does both).  Each page must load with no
JavaScript errors and no failed or external requests, show every image with alt
text, render its math with MathJax (served from the book itself), give every
animation its player controls, and link only to pages and anchors that exist.
A full-page screenshot of each page is saved under ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
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


def test_book_was_built():
    assert (HTML / "index.html").exists(), "no built book at _build/html: run `make book` first"
    expected = {f"book/{name}.html" for name in (
        "intro", "01_kde", "02_bandwidth", "03_mean_shift", "04_blobs",
        "05_thermograph", "errata", "performance", "api", "references")}
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
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
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
        page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
        page.goto(server + rel, wait_until="load")
        page.wait_for_load_state("networkidle")
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
