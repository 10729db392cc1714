"""What HTML may be published: the allowlist, declared once, and the sanitizer built from it.

Every page the build writes passes through ``clean_content`` (HTML rendered from Markdown
written by contributors) or ``clean_generated`` (pages built from the package's own templates,
which carry form controls for the in-browser tools). Whatever the checker said, no element,
attribute or URL scheme outside these lists reaches a reader. ``violations`` lists, for the
checker, what the sanitizer would drop from one rendered body, so a contributor learns it first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# Elements Markdown and its extensions produce, plus the few a contributor may write by hand.
CONTENT_TAGS = frozenset(
    "a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr i img input ins kbd li mark ol p pre q s samp small span strong sub "
    "summary sup table tbody td tfoot th thead time tr u ul var".split()
)
# Our own templates add landmarks and form controls for the finder, templates and self-check pages.
GENERATED_TAGS = CONTENT_TAGS | frozenset(
    "article aside button fieldset footer form header label legend main meter nav noscript optgroup option output "
    "progress section select textarea".split()
)
_COMMON_ATTRS = frozenset({"id", "class", "title", "lang", "dir"})
CONTENT_ATTRS: dict[str, frozenset[str]] = {
    "*": _COMMON_ATTRS,
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "col": frozenset({"span"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
    "input": frozenset({"checked", "disabled"}),  # task-list boxes; `type` is pinned below
}
GENERATED_ATTRS: dict[str, frozenset[str]] = {
    **CONTENT_ATTRS,
    "*": _COMMON_ATTRS | {"role", "hidden", "tabindex"},
    "input": frozenset(
        "type name value checked disabled placeholder min max step inputmode autocomplete enterkeyhint "
        "readonly required multiple accept maxlength pattern size list form".split()
    ),
    "button": frozenset({"type", "name", "value", "disabled"}),
    "select": frozenset({"name", "multiple", "disabled"}),
    "option": frozenset({"value", "selected", "disabled"}),
    "textarea": frozenset({"name", "rows", "cols", "placeholder", "readonly", "maxlength"}),
    "a": frozenset({"href", "download"}),
    "form": frozenset({"autocomplete", "action", "method"}),  # the home page box: a GET form to the finder
    "label": frozenset({"for"}),
    "meter": frozenset({"value", "min", "max", "low", "high", "optimum"}),
    "progress": frozenset({"value", "max"}),
    "output": frozenset({"for", "name"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # relative addresses and #anchors always pass
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite"})
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:|//)", re.I)  # any scheme, or protocol-relative
# Characters a browser's URL parser drops (tab, newline anywhere; controls and spaces around) or reads
# as a slash (a backslash): '/\host/a.png' and '/<tab>/host' are '//host/a.png' to it.
_URL_DROPPED = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ufffd]+")
# Ids the page's own scripts and the theme look up (material's __config, __search …; ours kb-…,
# KB_…): content holding one would replace the theme's settings or clobber a global.
RESERVED_ID = re.compile(r"(?:__|kb[-_]|md[-_])", re.I)


def as_browser_reads(url: str) -> str:
    """The address as a browser's URL parser sees it (entities already decoded)."""
    return _URL_DROPPED.sub("", url).replace("\\", "/")


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    # Remote media would be fetched when the page opens: offline it fails, online it reports the reader.
    if attr == "src" and REMOTE.match(as_browser_reads(value)):
        return None
    return value


def _keep_content_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "id" and RESERVED_ID.match(value):  # the package's own pages use these ids
        return None
    return _keep_attribute(tag, attr, value)


def _cleaner(tags: frozenset[str], attrs: dict[str, frozenset[str]], generic_prefixes: set[str], keep) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(tags),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in attrs.items()},
        attribute_filter=keep,
        strip_comments=True,
        link_rel=None,
        generic_attribute_prefixes=generic_prefixes,
        url_schemes=set(URL_SCHEMES),
        tag_attribute_values=None if "type" in attrs["input"] else {"input": {"type": {"checkbox"}}},
    )


_CONTENT = _cleaner(CONTENT_TAGS, CONTENT_ATTRS, set(), _keep_content_attribute)
_GENERATED = _cleaner(GENERATED_TAGS, GENERATED_ATTRS, {"aria-", "data-"}, _keep_attribute)


def clean_content(fragment: str) -> str:
    """HTML rendered from a contributor's Markdown, as it may be published."""
    return _CONTENT.clean(fragment)


def clean_generated(fragment: str) -> str:
    """HTML of a page built from the package's templates (content strings already escaped)."""
    return _GENERATED.clean(fragment)


_TEXT = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, attributes={}, strip_comments=True)


def text(fragment: str) -> str:
    """The text of an HTML fragment, escaped (quotes too), every tag and comment dropped: for the
    strings a theme prints as HTML outside the page body (titles in the nav and the table of
    contents, a page's description inside a <meta> attribute)."""
    return html.escape(html.unescape(_TEXT.clean(str(fragment))))


def clean_around(fragment: str, slot: re.Pattern[str], fill) -> str:
    """``fragment`` sanitized as content, except where ``slot`` matches: there ``fill(match)`` (a block
    the package renders itself) is put in, sanitized as a generated block."""
    out, last = [], 0
    for m in slot.finditer(fragment):
        out += [clean_content(fragment[last : m.start()]), clean_generated(fill(m))]
        last = m.end()
    out.append(clean_content(fragment[last:]))
    return "".join(out)


# ----------------------------------------------------------------------------- for the checker


@dataclass(frozen=True)
class Violation:
    what: str  # Chinese, value quoted: what would not be published as written
    needle: str  # text to look for in the source to find the line


def violations(fragment: str) -> list[Violation]:
    """What ``clean_content`` would drop or change in ``fragment`` (rendered Markdown), in order."""
    finder = _Finder()
    try:
        finder.feed(fragment)
        finder.close()
    except (AssertionError, ValueError):  # html.parser on pathological input
        finder.found.append(Violation("正文含有无法解析的 HTML", "<"))
    return finder.found


def scheme_of(url: str) -> str | None:
    """The scheme a browser reads: entities decoded, controls and whitespace dropped (java&#9;script:)."""
    text = as_browser_reads(html.unescape(url))
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", text)
    return m[1].lower() if m else ("//" if text.startswith("//") else None)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Violation] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in CONTENT_TAGS:
            self.found.append(Violation(f"不允许的 HTML 标签 '<{tag}>'", f"<{tag}"))
            return
        allowed = CONTENT_ATTRS["*"] | CONTENT_ATTRS.get(tag, frozenset())
        if tag == "a" and "kb-remote" in (dict(attrs).get("class") or ""):  # a remote image, shown as a link
            href = dict(attrs).get("href") or ""
            self.found.append(Violation(f"外部图片 '{href[:40]}'（离线版无法显示，只能显示为链接）", href[:20]))
        for name, value in attrs:
            value = value or ""
            if name == "type" and tag == "input" and value.lower() == "checkbox":
                continue
            if name not in allowed:
                what = "事件属性" if name.startswith("on") else "不允许的属性"
                self.found.append(Violation(f"<{tag}> 的{what} '{name}'", name))
            elif name == "id" and RESERVED_ID.match(value):
                shown = value if len(value) <= 40 else value[:40] + "…"
                self.found.append(Violation(f"<{tag}> 的 id '{shown}' 是网页脚本保留的名字", value[:20] or name))
            elif name in URL_ATTRS:
                self._url(tag, name, value)

    handle_startendtag = handle_starttag

    def _url(self, tag: str, name: str, value: str) -> None:
        scheme = scheme_of(value)
        if scheme is None:
            return
        shown = value if len(value) <= 40 else value[:40] + "…"
        if name == "src":
            self.found.append(Violation(f"引用了外部资源 '{shown}'（离线版无法显示，打开时还会联网）", value[:20]))
        elif scheme not in URL_SCHEMES:
            self.found.append(Violation(f"不安全的链接 '{shown}'", value[:12] or name))
