"""What the security tests look for in a built site, and how they build one with validation bypassed.

``build_serving`` builds through MkDocs in-process exactly as ``mkdocs serve`` does (the plugin is
told it is serving, so validation errors are logged, not fatal): whatever ``check`` says, the
published pages must be inert. ``scan_site`` parses every .html and .svg page with
BeautifulSoup (never a regex over the markup) and lists what could run or leave the site.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag

# Scripts the theme and the package ship, by address (after any ../ or leading /).
KNOWN_SCRIPT_SRC = re.compile(
    r"^(?:\.\./)*/?(?:assets/javascripts/bundle\.[0-9a-f]+\.min\.js"
    r"|assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"
    r"|assets/dangjian_kb/[\w./-]+\.js"
    r"|search/search_index\.js)$"
)
# Material's own inline scripts start like this (the rest differs per page depth).
KNOWN_INLINE_PREFIXES = (
    "__md_scope=new URL(",
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
)
DIALOG_CALLS = re.compile(r"\b(?:alert|confirm|prompt|print|eval|fetch|import)\s*\(|document\.cookie", re.I)
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "codebase",
    "cite",
    "dynsrc",
    "lowsrc",
    "ping",
    "manifest",
    "icon",
}
MEDIA_TAGS = {"img", "audio", "video", "source", "track", "iframe", "embed", "object", "input", "image", "picture"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "portal", "fencedframe"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]+")
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):", re.I)


@dataclass(frozen=True)
class Violation:
    page: str  # relative to the site folder
    what: str  # e.g. "img[onerror]='alert(1001)'"

    def __str__(self) -> str:
        return f"{self.page}: {self.what}"


def scheme_of(value: str) -> str:
    """A URL as a browser reads its scheme: entities already decoded by the parser, then
    whitespace and control characters dropped, percent-escapes of the scheme undone."""
    return _INVISIBLE.sub("", unquote(value)).lower().replace("\\", "/")


def _tag_violations(tag: Tag) -> list[str]:
    out: list[str] = []
    name = tag.name.lower()
    for attr, raw in tag.attrs.items():
        value = " ".join(raw) if isinstance(raw, list) else str(raw)
        low = attr.lower()
        if low.startswith("on"):
            out.append(f"{name}[{attr}]={value!r}")
            continue
        compact = scheme_of(value)
        if low in URL_ATTRS or low.endswith(":href"):
            candidates = [compact] + (
                [scheme_of(p.strip().split(" ")[0]) for p in value.split(",")] if low == "srcset" else []
            )
            if any(_BAD_SCHEME.match(c) for c in candidates):
                out.append(f"{name}[{attr}]={value!r}")
            elif (
                name in MEDIA_TAGS
                and low in {"src", "srcset", "data", "poster"}
                and re.match(r"^(?:https?:)?//", compact)
            ):
                out.append(f"remote {name}[{attr}]={value!r}")
        elif "javascript:" in compact or "vbscript:" in compact or "expression(" in compact:
            out.append(f"{name}[{attr}]={value!r}")  # style=…url(javascript:…), values=javascript:…
        if low == "http-equiv" and compact == "refresh":
            out.append(f"meta refresh {tag.get('content')!r}")
    if name in FORBIDDEN_TAGS:
        out.append(f"<{name}> {str(tag)[:120]!r}")
    if name == "script":
        src = tag.get("src")
        text = tag.string or tag.get_text() or ""
        if src is not None:
            if not KNOWN_SCRIPT_SRC.match(str(src)):
                out.append(f"script[src]={src!r}")
        elif (tag.get("type") or "").lower() == "application/json":
            if "<" in text:
                out.append(f"json script with markup {text[:120]!r}")
        elif not text.strip().startswith(KNOWN_INLINE_PREFIXES) or DIALOG_CALLS.search(text):
            out.append(f"inline script {text[:120]!r}")
    if name == "style" and ("javascript:" in scheme_of(tag.get_text()) or "expression(" in tag.get_text()):
        out.append(f"<style> {tag.get_text()[:120]!r}")
    return out


# Ids the theme's and the package's scripts look up (material's __config, our kb-index-script) and
# names that would shadow their globals (KB_FINDER_INDEX): content must never add a second one.
_SCRIPT_ID = re.compile(r"^(?:__|kb[-_]|md[-_])", re.I)


def scan_markup(text: str, page: str) -> list[Violation]:
    soup = BeautifulSoup(text, "html.parser")
    found: list[Violation] = []
    seen: set[str] = set()
    for tag in soup.find_all(True):
        found.extend(Violation(page, what) for what in _tag_violations(tag))
        ident = str(tag.get("id") or "")
        if _SCRIPT_ID.match(ident):
            if ident in seen or ident.upper().startswith("KB_"):
                found.append(Violation(page, f"script id {ident!r} on <{tag.name}> {tag.get_text()[:40]!r}"))
            seen.add(ident)
    # markup that the parser saw as text but a browser would still run is not possible with
    # html.parser; an unparsed '<script' left in an attribute value is caught above.
    return found


def scan_site(site: Path) -> list[Violation]:
    found: list[Violation] = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.suffix.lower() in {".html", ".htm", ".svg", ".xhtml"}:
            text = path.read_bytes().decode("utf-8", "replace")
            found.extend(scan_markup(text, path.relative_to(site).as_posix()))
    return found


def mentions(violation: Violation, marker: int) -> bool:
    """Does this violation come from the payload numbered ``marker`` (each payload carries its number)?"""
    return re.search(rf"(?<!\d){marker}(?!\d)", violation.what) is not None


DELIBERATE = ("PluginError", "Abort", "ConfigurationError", "BuildError", "ValidationError")


@dataclass
class ServedBuild:
    site: Path
    error: str | None  # the build's exception, if it refused (refusing is inert too)

    @property
    def ran_or_refused(self) -> bool:
        """Built, or refused on purpose (a MkDocs error with a message): not a crash, which would
        make 'nothing unsafe was published' true for the wrong reason."""
        return self.error is None or self.error.startswith(DELIBERATE)


def build_serving(root: Path, site: Path) -> ServedBuild:
    """Build ``root``'s mkdocs.yml into ``site`` as ``mkdocs serve`` would (validation not fatal)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.ERROR)  # the payloads' validation errors are expected here
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        plugin = config.plugins["dangjian-kb"]
        config.plugins.on_startup(command="serve", dirty=False)  # what `mkdocs serve` calls first
        assert plugin.serving, "the plugin did not take the serve command"
        build(config)
    except Exception as exc:  # noqa: BLE001 - a refusing build is acceptable; it is reported
        return ServedBuild(site, f"{type(exc).__name__}: {exc}")
    finally:
        mkdocs_log.setLevel(level)
    return ServedBuild(site, None)
