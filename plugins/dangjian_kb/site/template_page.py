"""A document template's page: the document with every placeholder marked, a fill-in form, and
links to its Word file. No MkDocs here.

The main text goes through the site's normal Markdown path with each placeholder replaced by an
inert token (private-use characters around the field's number); after rendering, tokens become
``<span class="kb-ph">`` elements whose text is the escaped label. So a label or a typed value is
never read as Markdown or HTML, and Markdown syntax such as attr_list's ``{…}`` never sees ``{{``.
"""

from __future__ import annotations

import re

from dangjian_kb.model import document as doc_mod
from dangjian_kb.model.document import PLACEHOLDER, Field
from dangjian_kb.model.entry import Entry

OPEN, CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(OPEN + r"(\d{1,6})" + CLOSE)  # bounded: int() refuses over 4,300 digits
_TAG = re.compile(r"(<[^>]*>)")
TEMPLATE_JS = "assets/dangjian_kb/template.js"


def fields_of(entry: Entry) -> tuple[Field, ...]:
    return tuple(entry.meta.get("fields", ()))


def docx_url(entry: Entry) -> str:
    return f"{entry.collection.name}/{entry.id}.docx"


def parts(entry: Entry) -> doc_mod.Document:
    return doc_mod.parse(entry.body, entry.body_line, {f.key: f.kind for f in fields_of(entry)})


def markdown_source(entry: Entry) -> str:
    """The main text (title, 主送 and signature are rendered by the page) with placeholders as tokens."""
    index = {f.key: i for i, f in enumerate(fields_of(entry))}
    main = parts(entry).main.replace(OPEN, "").replace(CLOSE, "")
    return PLACEHOLDER.sub(lambda m: f"{OPEN}{index[m[1]]}{CLOSE}" if m[1] in index else m[0], main)


def fill_tokens(html_text: str, fields: tuple[Field, ...]) -> str:
    """Tokens in text become placeholder spans; inside a tag (an id, an href) the plain key."""
    spans = [_span(f) for f in fields]
    keys = [f.key for f in fields]

    def text_part(part: str) -> str:
        return _TOKEN.sub(lambda m: spans[int(m[1])] if int(m[1]) < len(spans) else "", part)

    def tag_part(part: str) -> str:
        return _TOKEN.sub(lambda m: keys[int(m[1])] if int(m[1]) < len(keys) else "", part)

    return "".join(tag_part(p) if p.startswith("<") else text_part(p) for p in _TAG.split(html_text))


def _span(f: Field) -> str:
    from markupsafe import escape  # noqa: PLC0415 - Jinja's own escaper

    return f'<span class="kb-ph" data-key="{f.key}" title="{escape(f.label)}">{escape(f.label)}</span>'


def toc_titles(toc, fields: tuple[Field, ...]) -> None:
    """Headings of the table of contents (and of the search index) read labels, not tokens."""
    labels = [f.label for f in fields]
    for item in toc or ():
        item.title = _TOKEN.sub(lambda m: labels[int(m[1])] if int(m[1]) < len(labels) else "", item.title)
        toc_titles(item.children, fields)


def form_data(entry: Entry) -> tuple[tuple[str, object], ...]:
    """The fields for the form script (embedded as JSON by GeneratedPage.trailer)."""
    return (("kb-tpl-data", {"id": entry.id, "fields": [f.as_dict() for f in fields_of(entry)]}),)


def context(entry: Entry, main_html: str) -> dict:
    """What templates/template_doc.html needs."""
    fields = fields_of(entry)
    d = parts(entry)
    labels = {f.key: f.label for f in fields}
    return {
        "doc_title": doc_mod.segments(d.title) if d.title else None,
        "recipient": doc_mod.segments(d.recipient) if d.recipient else None,
        "signature": [doc_mod.segments(line) for line in d.signature],
        "main_html": fill_tokens(main_html, fields),
        "fields": fields,
        "labels": labels,
        "docx": docx_url(entry),
    }
