"""How an entry's Markdown becomes HTML: the extensions the site uses, declared once, and the
extension that resolves links between entries on the parsed document (never on raw lines).

``[[ID]]`` and ``[[ID|文字]]`` become links whose text is an ``AtomicString``: a title or a link
text is shown as written and never read again as Markdown or HTML. Relative links to another
entry's ``.md`` file point at its stable address. Remote images become plain links, so an
offline page loads nothing from the network. The checker renders with the same extensions
(and no knowledge base), so what it reports is what the build would publish.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from dangjian_kb.model import syntax
from dangjian_kb.model.urls import relative

# The shipped mkdocs.yml's markdown_extensions, in the same order; the checker renders with these.
EXTENSIONS: tuple[str, ...] = (
    "admonition",
    "attr_list",
    "md_in_html",
    "def_list",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tasklist",
)


@dataclass
class Target:
    url: str  # site-relative address of the entry page
    id: str
    title: str


@dataclass
class LinkContext:
    """Where the page being rendered lives and how ids and source paths resolve.

    The MkDocs adapter updates ``here``, ``source`` and the resolvers before each page."""

    here: str = "index.html"
    source: str | None = None  # the entry's source path relative to the root, for relative .md links
    by_id: Callable[[str], Target | None] = lambda _id: None
    by_path: Callable[[str], Target | None] = lambda _path: None
    # [[依据:id#条]]: the register's citation as (href, tooltip, text, css class, status suffix), or None
    cite: Callable[[str, str], Citation | None] = lambda _ref, _text: None


@dataclass(frozen=True)
class Citation:
    url: str
    hint: str
    text: str
    css: str
    status: str  # shown after the link for a regulation that is no longer current


class EntryLinks(Extension):
    def __init__(self, context: LinkContext | None = None) -> None:
        super().__init__()
        self.context = context or LinkContext()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.inlinePatterns.register(_WikiLinks(syntax.WIKILINK.pattern, self.context), "dangjian_kb_wikilink", 175)
        md.treeprocessors.register(_FileLinks(md, self.context), "dangjian_kb_links", 5)
        md.parser.blockprocessors.register(_ShallowQuote(md.parser), "quote", 20)  # replaces Markdown's own


class _ShallowQuote(BlockQuoteProcessor):
    """Quotes nested deeper than ten levels stay text at the tenth: Markdown parses each level
    again over the rest of the block, so a line of 9,500 '> ' (at the margin, in a list item or
    an admonition) took seconds."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return self.parser.state.count("blockquote") < 10 and super().test(parent, block)


class _WikiLinks(InlineProcessor):
    def __init__(self, pattern: str, context: LinkContext) -> None:
        super().__init__(pattern)
        self.context = context

    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API
        cited = self.context.cite(m.group(1).strip(), (m.group(2) or "").strip())
        if cited is not None:
            return self._citation(cited), m.start(0), m.end(0)
        target = self.context.by_id(m.group(1).strip())
        if target is None:
            span = etree.Element("span")
            span.set("class", "kb-ref-missing")
            span.text = AtomicString(m.group(0))
            return span, m.start(0), m.end(0)
        el = etree.Element("a")
        el.set("class", "kb-ref")
        el.set("href", relative(self.context.here, target.url))
        el.set("title", target.id)
        el.text = AtomicString((m.group(2) or "").strip() or target.title)
        return el, m.start(0), m.end(0)

    def _citation(self, cited: Citation) -> etree.Element:
        link = etree.Element("a")
        link.set("class", cited.css)
        link.set("href", relative(self.context.here, cited.url))
        link.set("title", cited.hint)
        link.text = AtomicString(cited.text)
        if not cited.status:
            return link
        wrap = etree.Element("span")
        wrap.append(link)
        link.tail = AtomicString(cited.status)
        return wrap


class _FileLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, context: LinkContext) -> None:
        super().__init__(md)
        self.context = context

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag == "a":
                    self._entry_link(el)
                elif el.tag == "img" and syntax.is_remote(el.get("src", "")):
                    parent[i] = _as_link(el)

    def _entry_link(self, el: etree.Element) -> None:
        href = el.get("href", "")
        path, sep, anchor = href.partition("#")
        if self.context.source is None or syntax.is_remote(path) or not path.lower().endswith((".md", ".markdown")):
            return
        target = self.context.by_path(posixpath.normpath(posixpath.join(posixpath.dirname(self.context.source), path)))
        if target is not None:
            el.set("href", relative(self.context.here, target.url) + sep + anchor)


def _as_link(img: etree.Element) -> etree.Element:
    link = etree.Element("a")
    link.set("href", img.get("src", ""))
    link.set("class", "kb-remote")
    link.text = AtomicString(img.get("alt") or img.get("src", ""))
    link.tail = img.tail
    return link


def renderer(extensions: list | None = None, configs: dict | None = None, context: LinkContext | None = None):
    """A reusable Markdown-to-HTML function with the site's extensions and entry links."""
    ext = EntryLinks(context)
    md = markdown.Markdown(extensions=[*(extensions or EXTENSIONS), ext], extension_configs=configs or {})

    def render(text: str) -> str:
        return md.reset().convert(text)

    render.context = ext.context  # type: ignore[attr-defined]
    return render
