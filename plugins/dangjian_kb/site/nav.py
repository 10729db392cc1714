"""The sidebar: handbook chapters and sections in id order, the index pages, and the site's own
pages. Problems and cases stay out of it, so a page's size does not grow with the library."""

from __future__ import annotations

import html

from dangjian_kb.model import urls
from dangjian_kb.model.collection import is_chapter
from dangjian_kb.model.knowledge_base import KnowledgeBase
from dangjian_kb.site import standards_pages
from dangjian_kb.site.views import Views

GENERATED_PREFIXES = ("handbook/", "problems/", "cases/", "templates/", "tags/", "categories/")


def build(kb: KnowledgeBase, views: Views, files, user_nav: list | None) -> list:
    """MkDocs ``nav`` config: a list of {title: src_uri | [children]}; titles are HTML-escaped
    because MkDocs themes print nav titles as HTML."""
    esc = html.escape
    handbook: list = [{"手册目录": urls.src_of(urls.HANDBOOK)}, {"打印版": urls.src_of(urls.PRINT)}]
    for ch in views.chapters():
        children = [urls.src_of(ch["entry"].url)] + [
            {esc(f"{s.id.removeprefix('HB-')} {s.title}"): urls.src_of(s.url)} for s in ch["sections"]
        ]
        handbook.append({esc(ch["entry"].title): children})
    orphans = [s for s in kb.of("handbook") if not is_chapter(s.id) and s.id.split(".")[0] not in kb.by_id]
    handbook += [{esc(f"{s.id} {s.title}"): urls.src_of(s.url)} for s in orphans]
    categories = [{"分类总览": urls.src_of(urls.CATEGORIES)}]
    categories += [{esc(c.name): urls.src_of(urls.category(c.slug))} for c in kb.taxonomy.categories]
    doc_pages = _doc_pages(files, user_nav)
    home = [p for p in doc_pages if p == "index.md"]
    rest = [p for p in doc_pages if p != "index.md"]
    nav: list = [{"首页": p} for p in home]
    if files.get_file_from_path(urls.src_of(urls.FINDER)) is not None:
        nav.append({"问题检索": urls.src_of(urls.FINDER)})
    nav += [
        {"规范化手册": handbook},
        {"问题库": urls.src_of(urls.PROBLEMS)},
        {"案例集": urls.src_of(urls.CASES)},
        {"文书模板": urls.src_of(urls.TEMPLATES)},
        {"分类": categories},
        {"标签": urls.src_of(urls.TAGS)},
        {"统计": urls.src_of(urls.STATS)},
        {"待复核": urls.src_of(urls.REVIEW)},
    ]
    if kb.regulations is not None:
        nav.append({"制度依据": urls.src_of(urls.BASIS)})
    if files.get_file_from_path(urls.src_of(urls.TERMS)) is not None:
        nav.append({"换届提醒": urls.src_of(urls.TERMS)})
    std_nav = standards_pages.nav_entries(kb)
    if std_nav:
        nav.append({"达标自查": [{esc(t): urls.src_of(u)} for d in std_nav for t, u in d.items()]})
    return nav + rest + [{"关于本版": urls.src_of(urls.ABOUT)}]


def _doc_pages(files, user_nav: list | None) -> list:
    """The site's own pages: the user's nav if given, else every Markdown page of docs/."""
    if user_nav:
        return list(user_nav)
    pages = []
    for f in files.documentation_pages():
        uri = f.src_uri
        if uri.startswith(GENERATED_PREFIXES) or f.generated_by is not None:
            continue
        pages.append(uri)
    return sorted(pages, key=lambda u: (u != "index.md", u))
