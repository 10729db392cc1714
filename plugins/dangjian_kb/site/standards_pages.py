"""Pages of the branch standards: the table a handbook section embeds through its marker, the
self-check page and the 党委's comparison page per standard, and the list of standards.

All three read the same ``Standard`` objects, so the handbook and the self-check cannot disagree.
Everything from the data goes through Jinja's autoescape; the data the scripts need is embedded
as JSON in a ``<script type="application/json">`` block (``<`` escaped), never fetched.
"""

from __future__ import annotations

from markupsafe import Markup

from dangjian_kb.model import standards as m
from dangjian_kb.model import urls
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.site.generated import GeneratedPage
from dangjian_kb.site.views import Views

SELFCHECK_JS = "assets/dangjian_kb/selfcheck.js"


def check_url(std_id: str) -> str:
    return f"standards/{std_id}.html"


def compare_url(std_id: str) -> str:
    return f"standards/{std_id}{m.COMPARE_SUFFIX}.html"


class StandardPages:
    def __init__(self, kb: KnowledgeBase, views: Views) -> None:
        self.kb, self.views = kb, views
        self.by_id = {s.id: s for s in kb.standards}

    def pages(self) -> list[GeneratedPage]:
        if not self.kb.standards:
            return []
        out = [
            GeneratedPage(
                urls.STANDARDS,
                "达标自查",
                self._render(
                    "standards_index.html",
                    urls.STANDARDS,
                    standards=self.kb.standards,
                    check_url=check_url,
                    compare_url=compare_url,
                ),
            )
        ]
        for std in self.kb.standards:
            out.append(self._selfcheck(std))
            out.append(self._compare(std))
        return out

    def block(self, std_id: str, here: str) -> str:
        """What stands in a page for <!-- dangjian-kb:standard ID -->: the standard's table."""
        std = self.by_id.get(std_id)
        if std is None:  # the checker reports it (KB078); the page says so instead of hiding it
            return f'<p class="kb-muted">（未找到达标标准 “{Markup.escape(std_id)}”）</p>'
        return self.table(std, here)

    def table(self, std: m.Standard, here: str) -> str:
        return self._render(
            "standard_table.html",
            here,
            std=std,
            entry=self._entry,
            check_url=check_url(std.id),
            compare_url=compare_url(std.id),
        )

    def _entry(self, entry_id: str):
        return self.kb.by_id.get(entry_id)

    def _render(self, template: str, here: str, **ctx: object) -> str:
        return self.views.render(template, here, **ctx)

    def _selfcheck(self, std: m.Standard) -> GeneratedPage:
        url = check_url(std.id)
        html = self._render(
            "selfcheck.html",
            url,
            std=std,
            compare_url=compare_url(std.id),
            handbook=self._entry(std.handbook) if std.handbook else None,
        )
        data = (("kb-standard-data", std.as_json()),)
        return GeneratedPage(url, f"{std.title}·自查", html, data=data, scripts=(SELFCHECK_JS,))

    def _compare(self, std: m.Standard) -> GeneratedPage:
        url = compare_url(std.id)
        html = self._render("standard_compare.html", url, std=std, check_url=check_url(std.id))
        data = (("kb-standard-data", std.as_json()),)
        return GeneratedPage(url, f"{std.title}·支部对比", html, data=data, scripts=(SELFCHECK_JS,))


def nav_entries(kb: KnowledgeBase) -> list[dict[str, str]]:
    """Sidebar entries as {title: url}; the caller turns urls into MkDocs source names."""
    if not kb.standards:
        return []
    items = [{"标准列表": urls.STANDARDS}]
    for std in kb.standards:
        items += [{f"{std.title}·自查": check_url(std.id)}, {f"{std.title}·支部对比": compare_url(std.id)}]
    return items
