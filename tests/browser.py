"""Debian's Chromium driven by Playwright (never `playwright install`), shared by the browser
tests and the benchmarks. Requests that leave the site can be aborted and recorded."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def guard_network(page, allowed_prefixes: tuple[str, ...]) -> list[str]:
    """Abort every request outside the site and return the list they are recorded in."""
    blocked: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(allowed_prefixes) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    return blocked


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def finder_results(page, query: str) -> list[str]:
    """Type ``query`` into the finder as a user would; return the result ids in rank order."""
    page.fill("#kb-finder-q", query)
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query, timeout=10_000)
    return page.eval_on_selector_all("#kb-results [data-entry-id]", "els => els.map(e => e.dataset.entryId)")


def _settled_results(page, interval_ms: int = 250, rounds: int = 40) -> list[str]:
    """Result links once two looks in a row agree (material renders results in batches)."""
    script = "() => [...document.querySelectorAll('.md-search-result__item > a')].map(e => e.href)"
    last = page.evaluate(script)
    for _ in range(rounds):
        page.wait_for_timeout(interval_ms)
        now = page.evaluate(script)
        if now == last:
            return now
        last = now
    return last


def site_search_results(page, query: str, timeout_s: float = 60) -> list[str]:
    """Type ``query`` into mkdocs-material's search box; return result page addresses in order.

    Material drops what is typed while its worker is still building the index (the box keeps
    saying 键入以开始搜索) and ignores the same text typed again, so, like a user, retype with a
    trailing space until it answers. Once it has answered on this page, a query that still
    shows 键入以开始搜索 is one material cannot search (no results)."""
    meta = "document.querySelector('.md-search-result__meta').textContent"
    page.click("input.md-search__input")
    deadline = time.monotonic() + timeout_s
    attempt = 0
    while True:
        # The whole query at once, then a key release: material reads the box on keyup, so it
        # never searches a half-typed prefix whose late results could be taken for the answer.
        page.fill("input.md-search__input", "")  # clear the previous answer first
        page.press("input.md-search__input", "End")
        try:
            page.wait_for_function(f"() => !/结果|没有/.test({meta})", timeout=2_000)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: the box was already empty
            pass
        page.fill("input.md-search__input", query + " " * (attempt % 2))
        page.press("input.md-search__input", "End")
        try:
            page.wait_for_function(f"() => /结果|没有/.test({meta})", timeout=2_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            attempt += 1
            ready = page.evaluate("window.__kbSearchAnswered === true")
            if (ready and attempt >= 2) or time.monotonic() > deadline:
                return []
    page.evaluate("window.__kbSearchAnswered = true")
    hrefs = _settled_results(page)
    seen: list[str] = []
    for href in hrefs:
        page_url = href.split("?")[0].split("#")[0]
        if page_url not in seen:
            seen.append(page_url)
    return seen
