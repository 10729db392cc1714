"""Debian's Chromium driven by Playwright (never `playwright install`), shared by the browser
tests and the benchmarks. Requests that leave the site can be aborted and recorded."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
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


def require() -> None:
    """Browser tests fail loudly without Chromium; skipping them is an explicit choice (KB_SKIP_BROWSER=1)."""
    import pytest

    if available():
        return
    if os.environ.get("KB_SKIP_BROWSER") == "1":
        pytest.skip("KB_SKIP_BROWSER=1: browser tests skipped on purpose", allow_module_level=True)
    pytest.fail(
        f"Chromium not found at {CHROMIUM}. Install Debian's chromium (sudo apt-get install chromium) or point "
        "KB_CHROMIUM at one; to run the suite without browser tests on purpose, set KB_SKIP_BROWSER=1.",
        pytrace=False,
    )


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
            # a link the test itself clicked is not a request of the page: only resources are recorded
            if not route.request.is_navigation_request():
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


def header_results(page, query: str) -> list[str]:
    """Type ``query`` into the header search box of the open page; return the ids (or page
    addresses) of the dropdown's results in rank order, once it has answered this query."""
    page.fill("#kb-hs-q", query)
    page.wait_for_function("q => document.getElementById('kb-hs-form').dataset.query === q", arg=query, timeout=10_000)
    return page.eval_on_selector_all("#kb-hs-list [data-entry-id]", "els => els.map(e => e.dataset.entryId)")
