"""Generated pages (indexes, tags, categories, statistics, review) and the parts of entry
pages the plugin adds (metadata card, related block) as escaped HTML. No MkDocs here."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cached_property

import jinja2

from dangjian_kb.model import urls
from dangjian_kb.model.collection import ALL, BY_NAME, Collection, is_chapter
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.site import basis_view, browse, print_ids, template_page
from dangjian_kb.site.generated import GeneratedPage


def make_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dangjian_kb", "templates"),
        autoescape=True,  # every string from content is escaped
        auto_reload=False,  # templates ship in the package; no stat() per page
        trim_blocks=True,
        lstrip_blocks=True,
    )


FINDER_INDEX_JS = "assets/dangjian_kb/finder_index.js"
FINDER_JS = "assets/dangjian_kb/finder.js"

# Card rows after collection, category and topic, in reading order.
CARD_FIELDS = (
    ("doctype", "文种"),
    ("issuer", "发文"),
    ("recipient", "主送"),
    ("usage", "用途"),
    ("source", "来源"),
    ("kind", "类型"),
    ("unit", "单位"),
    ("date", "时间"),
    ("contributor", "供稿"),
    ("owner", "负责部门"),
    ("updated", "更新"),
)


class Views:
    def __init__(self, kb: KnowledgeBase, today: dt.date | None = None) -> None:
        self.kb = kb
        self.today = today or dt.date.today()
        self.env = make_env()
        self._slugs = {c.name: c.slug for c in kb.taxonomy.categories}

    # -- helpers -------------------------------------------------------------
    def render(self, template: str, here: str, **ctx: object) -> str:
        return self.env.get_template(template).render(
            link=lambda url: urls.relative(here, url),
            tag_url=urls.tag,
            category_url=self.category_url,
            finder_url=urls.FINDER,
            print_url=urls.PRINT,
            tags_url=urls.TAGS,
            **ctx,
        )

    def category_url(self, name: str) -> str:
        return urls.category(self._slugs.get(name) or name)

    @cached_property
    def tags(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = defaultdict(list)
        for e in self.kb.entries:
            for t in e.tags:
                out[t].append(e)
        return dict(sorted(out.items()))

    # -- entry page parts ----------------------------------------------------
    def card(self, e: Entry) -> str:
        def link(url: str) -> str:
            return urls.relative(e.url, url)

        m = e.meta
        rows = [("编号", e.id, None), ("所属", e.collection.label, link(e.collection.index_url))]
        if e.category:
            rows.append(("分类", e.category, link(self.category_url(e.category))))
        if e.topic:
            rows.append(("主题", e.topic, None))
        rows += [(label, m[key], None) for key, label in CARD_FIELDS if m.get(key)]
        if m.get("reviewed"):
            due = f"（下次复核 {m['review_due']}）" if m.get("review_due") else ""
            rows.append(("复核", m["reviewed"] + due, None))
        tags = [(t, link(urls.tag(t))) for t in e.tags]
        basis = basis_view.card_items(self.kb, e) if self.kb.regulations is not None else m.get("basis", [])
        return self.render("card.html", e.url, id=e.id, rows=rows, basis=basis, tags=tags)

    def related(self, e: Entry) -> str:
        groups = [
            {"label": BY_NAME[name].label, "entries": [self.kb.by_id[i] for i in ids]}
            for name, ids in self.kb.graph.grouped(e.id).items()
        ]
        return self.render("related.html", e.url, groups=groups) if groups else ""

    def template_doc(self, e: Entry, main_html: str) -> str:
        """A document template's page body: tools, fill-in form and the document itself."""
        return self.render("template_doc.html", e.url, **template_page.context(e, main_html))

    # -- generated pages -----------------------------------------------------
    def pages(self) -> list[GeneratedPage]:
        pages = [
            *(self._collection_index(c) for c in ALL if c.has_index),
            self._handbook_index(),
            self._tags_index(),
            self._stats(),
            self._review(),
            self._finder(),
        ]
        if self.kb.regulations is not None:
            pages.append(GeneratedPage(urls.BASIS, "制度依据", basis_view.page(self)))
        pages += [browse.categories_page(self)] + [self._category(c) for c in self.kb.taxonomy.categories]
        pages += [self._tag(name, entries) for name, entries in self.tags.items()]
        return pages

    def _grouped(self, entries: list[Entry]) -> list[dict]:
        groups = []
        for cat in self.kb.taxonomy.categories:
            mine = [e for e in entries if e.category == cat.name]
            if not mine:
                continue
            topics = [{"name": t, "entries": [e for e in mine if e.topic == t]} for t in cat.topics]
            untopiced = [e for e in mine if not e.topic]
            if untopiced:
                topics.append({"name": "其他", "entries": untopiced})
            groups.append(
                {"name": cat.name, "slug": cat.slug, "count": len(mine), "topics": [t for t in topics if t["entries"]]}
            )
        return groups

    def _collection_index(self, coll: Collection) -> GeneratedPage:
        entries = self.kb.of(coll.name)
        url = coll.index_url
        html = self.render("collection_index.html", url, groups=self._grouped(entries), total=len(entries), coll=coll)
        return GeneratedPage(url, coll.label, html)

    def chapters(self) -> list[dict]:
        handbook = self.kb.of("handbook")
        chapters = [e for e in handbook if is_chapter(e.id)]
        return [{"entry": ch, "sections": [s for s in handbook if s.id.startswith(ch.id + ".")]} for ch in chapters]

    def _handbook_index(self) -> GeneratedPage:
        sections = sum(not is_chapter(e.id) for e in self.kb.of("handbook"))
        html = self.render("handbook_index.html", urls.HANDBOOK, chapters=self.chapters(), sections=sections)
        return GeneratedPage(urls.HANDBOOK, "规范化手册", html)

    def _category(self, cat) -> GeneratedPage:
        url = urls.category(cat.slug)
        mine = [e for e in self.kb.entries if e.category == cat.name]
        sections = [{"coll": c, "entries": [e for e in mine if e.collection is c]} for c in ALL]
        html = self.render("category.html", url, topics=cat.topics, sections=sections)
        return GeneratedPage(url, cat.name, html)

    def _tags_index(self) -> GeneratedPage:
        tags = browse.tag_groups(self)
        return GeneratedPage(urls.TAGS, "标签", self.render("tags_index.html", urls.TAGS, tags=tags))

    def _tag(self, name: str, entries: list[Entry]) -> GeneratedPage:
        url = urls.tag(name)
        groups = [{"label": c.label, "kind": c.name, "entries": [e for e in entries if e.collection is c]} for c in ALL]
        html = self.render("tag.html", url, name=name, total=len(entries), groups=[g for g in groups if g["entries"]])
        return GeneratedPage(url, f"标签：{name}", html)

    def _stats(self) -> GeneratedPage:
        # Handbook counts are sections, as in the totals: a chapter page is not a section.
        counted = [e for e in self.kb.entries if not is_chapter(e.id)]
        count = Counter((e.category, e.collection.name) for e in counted)
        tcount = Counter((e.topic, e.collection.name) for e in counted if e.topic)
        rows, topics = [], []
        for cat in self.kb.taxonomy.categories:
            row = {c.name: count[(cat.name, c.name)] for c in ALL}
            rows.append({"name": cat.name, "url": urls.category(cat.slug), "total": sum(row.values()), **row})
            for t in cat.topics:
                topics.append({"category": cat.name, "name": t, **{c.name: tcount[(t, c.name)] for c in ALL}})
        totals = self.totals()
        html = self.render(
            "stats.html",
            urls.STATS,
            rows=rows,
            topics=topics,
            totals=totals,
            collections=ALL,
            thin_problems=[t["name"] for t in topics if not t["problems"]],
            thin_cases=[t["name"] for t in topics if not t["cases"]],
        )
        return GeneratedPage(urls.STATS, "统计", html)

    def _finder(self) -> GeneratedPage:
        html = self.render("finder.html", urls.FINDER)
        return GeneratedPage(urls.FINDER, "问题检索", html, scripts=(FINDER_INDEX_JS, FINDER_JS))

    def about(self, stamp) -> GeneratedPage:
        return GeneratedPage(urls.ABOUT, "关于本版", self.render("about.html", urls.ABOUT, stamp=stamp))

    def print_page(self, to_html: Callable[[Entry], str], stamp=None) -> GeneratedPage:
        """The whole handbook on one page; ``to_html`` renders an entry's body the way the site does."""

        def body(e: Entry) -> str:
            return print_ids.scope(e.id, _demote(to_html(e)))

        chapters = [
            {
                "entry": ch["entry"],
                "html": body(ch["entry"]),
                "sections": [{"entry": s, "html": body(s)} for s in ch["sections"]],
            }
            for ch in self.chapters()
        ]
        html = self.render(
            "print.html",
            urls.PRINT,
            chapters=chapters,
            handbook_url=urls.HANDBOOK,
            stamp=stamp,
            basis_of=lambda e: basis_view.names(self.kb, e),
        )
        return GeneratedPage(urls.PRINT, "规范化手册（打印版）", html)

    def totals(self) -> dict[str, int]:
        """Entries per collection; handbook chapters are overview pages, not counted."""
        return {c.name: sum(not is_chapter(e.id) for e in self.kb.of(c.name)) for c in ALL}

    def review_lists(self) -> tuple[list[Entry], list[Entry]]:
        dated = sorted(
            (e for e in self.kb.of("handbook") if e.meta.get("review_due")), key=lambda e: (e.meta["review_due"], e.id)
        )
        today = self.today.isoformat()
        soon = (self.today + dt.timedelta(days=90)).isoformat()
        overdue = [e for e in dated if e.meta["review_due"] < today]
        upcoming = [e for e in dated if today <= e.meta["review_due"] <= soon]
        return overdue, upcoming

    def _review(self) -> GeneratedPage:
        overdue, upcoming = self.review_lists()
        html = self.render(
            "review.html",
            urls.REVIEW,
            overdue=overdue,
            upcoming=upcoming,
            today=self.today.isoformat(),
            superseded=basis_view.superseded(self.kb),
        )
        return GeneratedPage(urls.REVIEW, "待复核", html)

    def refused(self, findings: list) -> str:
        """What `mkdocs serve` shows instead of an entry that `check` refuses."""
        return self.render("refused.html", urls.HOME, findings=findings)

    def latest(self, here: str, limit: int = 8) -> str:
        def when(e: Entry) -> str:
            return e.meta.get("updated") or e.meta.get("date") or e.meta.get("reviewed") or ""

        items = sorted((e for e in self.kb.entries if when(e)), key=lambda e: (when(e), e.id), reverse=True)[:limit]
        return self.render("latest.html", here, entries=[{"entry": e, "when": when(e)} for e in items])


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _demote(html: str) -> str:
    """Section bodies sit under the chapter (h2) and section (h3) headings of the print page."""
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + 2)}", html)
