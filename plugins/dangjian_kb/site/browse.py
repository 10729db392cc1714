"""Browsing by topic (issue 17): the tag page grouped by category and topic, the 分类 overview and
the home page's own block (search box, the five focuses, what is due). Pure data for the
templates; no MkDocs here."""

from __future__ import annotations

from collections import Counter

from dangjian_kb.model import urls
from dangjian_kb.model.collection import is_chapter
from dangjian_kb.model.entry import Entry
from dangjian_kb.site.generated import GeneratedPage, ViewContext

OTHER = "其他"


def _home_of(entries: list[Entry]) -> tuple[str, str]:
    """The (category, topic) most of a tag's entries sit in; ties go to the first in taxonomy order."""
    counted = Counter((e.category or OTHER, e.topic or OTHER) for e in entries)
    best = max(counted.values())
    return min(key for key, n in counted.items() if n == best)


def _order(views: ViewContext) -> dict[tuple[str, str], int]:
    order: dict[tuple[str, str], int] = {}
    for cat in views.kb.taxonomy.categories:
        for topic in [*cat.topics, OTHER]:
            order[(cat.name, topic)] = len(order)
    return order


def tag_groups(views: ViewContext) -> dict:
    """Tags under the category and topic where they are used most, most-used first; tags used
    once apart (folded on the page)."""
    order = _order(views)
    by_place: dict[tuple[str, str], list[dict]] = {}
    once: list[dict] = []
    for name, entries in views.tags.items():
        item = {"name": name, "url": urls.tag(name), "count": len(entries)}
        if len(entries) == 1:
            once.append(item)
        else:
            by_place.setdefault(_home_of(entries), []).append(item)
    cats: dict[str, dict] = {}
    for place in sorted(by_place, key=lambda p: (order.get(p, len(order)), p)):
        tags = sorted(by_place[place], key=lambda t: (-t["count"], t["name"]))
        cat = cats.setdefault(place[0], {"name": place[0], "topics": [], "count": 0})
        cat["topics"].append({"name": place[1], "tags": tags})
        cat["count"] += len(tags)
    return {
        "categories": list(cats.values()),
        "once": sorted(once, key=lambda t: t["name"]),
        "total": len(views.tags),
    }


def categories_overview(views: ViewContext) -> list[dict]:
    """The five categories with their topics and entry counts (handbook chapters not counted)."""
    counted = [e for e in views.kb.entries if not is_chapter(e.id)]
    per_cat = Counter(e.category for e in counted)
    per_topic = Counter((e.category, e.topic) for e in counted)
    return [
        {
            "name": c.name,
            "url": urls.category(c.slug),
            "count": per_cat[c.name],
            "topics": [{"name": t, "count": per_topic[(c.name, t)]} for t in c.topics],
        }
        for c in views.kb.taxonomy.categories
    ]


def categories_page(views: ViewContext) -> GeneratedPage:
    html = views.render("categories_index.html", urls.CATEGORIES, categories=categories_overview(views))
    return GeneratedPage(urls.CATEGORIES, "分类总览", html)


def home_block(views: ViewContext, here: str) -> str:
    """The home page's search box, the five focuses and what is due, for <!-- dangjian-kb:home -->."""
    overdue, upcoming = views.review_lists()
    return views.render(
        "home.html",
        here,
        categories=categories_overview(views),
        categories_url=urls.CATEGORIES,
        review_url=urls.REVIEW,
        overdue=len(overdue),
        upcoming=len(upcoming),
        terms_url=urls.TERMS,
    )
