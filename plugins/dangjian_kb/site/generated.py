"""What a generated page is (GeneratedPage, its data and scripts written after the sanitizer) and
what the page builders need from the views (ViewContext): the modules that build one kind of
page depend on this, not on views.py, which calls them."""

from __future__ import annotations

import html as html_mod
import json
from dataclasses import dataclass
from typing import Protocol

from dangjian_kb.model import urls
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.knowledge_base import KnowledgeBase


class ViewContext(Protocol):
    """The part of site.views.Views that the page builders (browse, basis_view) use."""

    kb: KnowledgeBase

    @property
    def tags(self) -> dict[str, list[Entry]]: ...

    def render(self, template: str, here: str, **ctx: object) -> str: ...

    def review_lists(self) -> tuple[list[Entry], list[Entry]]: ...


@dataclass(frozen=True)
class GeneratedPage:
    """A page built from the package's templates. ``html`` passes the sanitizer; ``data`` (element
    id -> object, serialized here) and ``scripts`` (package asset addresses) are added after it."""

    url: str
    title: str
    html: str
    data: tuple[tuple[str, object], ...] = ()
    scripts: tuple[str, ...] = ()

    def trailer(self) -> str:
        return trailer(self.url, self.data, self.scripts)

    @property
    def src_uri(self) -> str:
        return urls.src_of(self.url)


def trailer(here: str, data: tuple[tuple[str, object], ...], scripts: tuple[str, ...]) -> str:
    """A page's data blocks and script tags, added after the sanitizer: written here, never from a
    template string (entry pages with a form use it too)."""
    out = [
        f'<script type="application/json" id="{html_mod.escape(key)}">{json_for_html(value)}</script>'
        for key, value in data
    ]
    out += [f'<script src="{html_mod.escape(urls.relative(here, src))}"></script>' for src in scripts]
    return "\n".join(out)


def json_for_html(value: object) -> str:
    """JSON that can sit inside a <script> element: no '<', '>' or '&' can end or change it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
