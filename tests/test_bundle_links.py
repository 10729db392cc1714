"""Every internal link and asset of the offline bundle resolves to a file inside it."""

from __future__ import annotations

import posixpath
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import BUILD_ENV

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def internal_target(page: str, ref: str) -> str | None:
    """The file a reference points at inside the bundle, or None for external/anchor-only ones."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or ref.startswith(("#", "mailto:", "data:", "javascript:")):
        return None
    if not parts.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))


@pytest.fixture(scope="module")
def bundle_files(tmp_path_factory, shipped_site) -> dict[str, bytes]:
    env = BUILD_ENV
    site = shipped_site
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [str(BIN / "dangjian-kb"), "bundle", "--site-dir", str(site), "--out", str(out)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (zip_path,) = out.glob("*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        top = names[0].split("/", 1)[0]
        assert zip_path.name == f"{top}.zip" and top.startswith("dangjian-kb-")
        return {n.split("/", 1)[1]: zf.read(n) for n in names if not n.endswith("/")}


def test_every_internal_link_and_asset_resolves(bundle_files, capsys):
    checked, broken = 0, []
    for name, data in bundle_files.items():
        if not name.endswith(".html"):
            continue
        parser = _Refs()
        parser.feed(data.decode("utf-8"))
        for ref in parser.refs:
            target = internal_target(name, ref)
            if target is None:
                continue
            checked += 1
            if target not in bundle_files:
                broken.append(f"{name} -> {ref}")
    with capsys.disabled():
        print(f"\n[bundle] {checked} internal links and assets checked in {len(bundle_files)} files")
    assert broken == []
    assert checked > 1000


def test_bundle_names_are_ascii_and_it_has_every_entry(bundle_files):
    assert all(name.isascii() for name in bundle_files)
    for folder in ("handbook", "problems", "cases"):
        ids = {
            p.name.split("-", 2)[0] + "-" + p.name.split("-", 2)[1].removesuffix(".md")
            for p in (REPO / folder).glob("*.md")
        }
        for entry_id in ids:
            assert f"{folder}/{entry_id}.html" in bundle_files


def test_bundle_requests_nothing_from_outside(bundle_files):
    """No page or script refers to a CDN or web font (the browser test proves it at run time)."""
    for name, data in bundle_files.items():
        if name.endswith((".html", ".css")):
            text = data.decode("utf-8")
            assert "fonts.googleapis" not in text and "unpkg.com" not in text, name
