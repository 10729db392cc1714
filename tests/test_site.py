"""The site: every entry published, cross-linked and indexed by the MkDocs plugin.

Each test reads the HTML a reader gets. One knowledge base (``SPECS``) is written once,
built once with the project's own mkdocs.yml (docs, taxonomy and synonyms left out, so the
shipped defaults apply) and shared by most tests; every expectation is computed from
``SPECS`` and the shipped taxonomy, never copied from the output. Builds run as
``mkdocs build`` subprocesses, exactly as a maintainer runs them.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import CASE_FIELDS, CHAPTER_FIELDS, PROBLEM_BODY, PROBLEM_FIELDS, SECTION_FIELDS, TODAY, KBBuilder
from dangjian_kb.model import taxonomy as taxonomy_mod

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EPOCH = 1767225600  # 2026-01-01T00:00:00Z
EPOCH_DAY = dt.datetime.fromtimestamp(EPOCH, dt.UTC).date()
TAXONOMY = taxonomy_mod.load(None)  # the shipped five focuses: the test sites have no taxonomy.yml
LABELS = {"handbook": "规范化手册", "problems": "问题库", "cases": "案例集"}  # collection names of the content model
CJK = re.compile(r"[\u4e00-\u9fff]")

# Entity text and quotes that pass `check` (markup itself is refused, see test_security.py): shown
# literally only when every place escapes '&' once — a missing or a double escape changes the text.
EVIL = "标题&lt;script&gt;alert(1)&lt;/script&gt; & 'x' \"y\""
EVIL_TAG = "粗体&lt;b&gt;粗&lt;/b&gt;"
EVIL_UNIT = "单位&lt;b&gt;单位&lt;/b&gt;"
CUSTOM_TEXT = "自定义文字"
HOME_MD = """---
title: 首页
---

# 基层党建知识库

## 最近更新

<!-- dangjian-kb:latest -->
"""
LINKING_BODY = (
    PROBLEM_BODY
    + f"""
## 延伸阅读

同类问题见 [[P-0003]]，也可参考 [[P-0003|{CUSTOM_TEXT}]]；具体做法见[项目支部的经验](../cases/C-0002-示例.md)。
"""
)


# -- the knowledge base --------------------------------------------------------------------------
KIND_COLLECTION = {"chapter": "handbook", "section": "handbook", "problem": "problems", "case": "cases"}
KIND_DEFAULTS = {"chapter": CHAPTER_FIELDS, "section": SECTION_FIELDS, "problem": PROBLEM_FIELDS, "case": CASE_FIELDS}


@dataclass(frozen=True)
class Spec:
    kind: str  # chapter, section, problem, case: the KBBuilder method that writes it
    id: str
    fields: dict = field(default_factory=dict)  # front matter that differs from conftest's valid file
    body: str | None = None
    links: tuple[str, ...] = ()  # ids the body links to, by [[ID]] or by file

    @property
    def meta(self) -> dict:
        merged = {**KIND_DEFAULTS[self.kind], "id": self.id, **self.fields}
        return {k: v for k, v in merged.items() if v is not None}

    @property
    def collection(self) -> str:
        return KIND_COLLECTION[self.kind]

    @property
    def url(self) -> str:
        return f"{self.collection}/{self.id}.html"

    @property
    def title(self) -> str:
        return self.meta["title"]

    def write(self, kb: KBBuilder) -> str:
        return getattr(kb, self.kind)(self.id, body=self.body, **self.fields)


SPECS = [
    Spec("chapter", "HB-1"),
    Spec("section", "HB-1.1"),
    Spec("chapter", "HB-2", {"title": "第二章 制度建设", "category": "制度建设"}),
    Spec(
        "section",
        "HB-2.1",
        {
            "title": "党费收缴与使用",
            "category": "制度建设",
            "topic": "党费管理",
            "tags": ["党费"],
            "basis": ["《中国共产党章程》", "《关于中国共产党党费收缴、使用和管理的规定》"],
        },
    ),
    Spec(
        "section",
        "HB-2.2",
        {"title": "支部委员会议事规则", "category": "制度建设", "topic": "制度精简", "reviewed": "2021-03-01"},
    ),
    Spec("section", "HB-2.3", {"title": EVIL, "category": "制度建设", "topic": None}),
    Spec(
        "section",
        "HB-2.9",
        {"title": "发展党员工作规程", "category": "队伍建设", "topic": "党员发展", "reviewed": "2019-06-10"},
    ),
    Spec("section", "HB-2.10", {"title": "党员档案管理", "category": "队伍建设", "topic": "档案管理"}),
    Spec("chapter", "HB-10", {"title": "第十章 基础保障", "category": "基础保障"}),
    Spec("section", "HB-10.1", {"title": "调研培训要求", "category": "基础保障", "topic": "调研培训"}),
    Spec("problem", "P-0001", body=LINKING_BODY, links=("P-0003", "C-0002")),
    Spec(
        "problem",
        "P-0002",
        {
            "title": EVIL,
            "category": "队伍建设",
            "topic": "党员发展",
            "source": "巡视检查",
            "tags": [EVIL_TAG, "党费"],
            "updated": "2026-04-02",
        },
    ),
    Spec(
        "problem",
        "P-0003",
        {
            "title": "党支部设置不规范",
            "category": "组织建设",
            "topic": "组织覆盖",
            "source": "反馈",
            "tags": ["组织设置"],
            "updated": "2025-12-01",
        },
    ),
    Spec(
        "problem",
        "P-0004",
        {
            "title": "党费使用台账不全",
            "category": "制度建设",
            "topic": "党费管理",
            "source": "巡视检查",
            "tags": ["党费", "台账"],
            "updated": "2026-05-30",
        },
    ),
    Spec(
        "problem",
        "P-0005",
        {
            "title": "支部活动记录不全",
            "category": "活动开展",
            "topic": None,
            "source": "反馈",
            "tags": ["台账"],
            "updated": None,
        },
    ),
    Spec("case", "C-0001", {"related": ["P-0001", "P-0002"]}),
    Spec(
        "case",
        "C-0002",
        {
            "title": "支部建在项目上",
            "category": "组织建设",
            "topic": "组织覆盖",
            "kind": "创新做法",
            "unit": EVIL_UNIT,
            "date": "2024-11",
            "tags": ["组织设置"],
        },
    ),
    Spec(
        "case",
        "C-0003",
        {
            "title": "三会一课流于形式的教训",
            "category": "活动开展",
            "topic": "组织生活",
            "kind": "经验教训",
            "unit": "某区教育局机关党支部",
            "date": "2026-01-15",
            "tags": None,
        },
    ),
]
BY_ID = {s.id: s for s in SPECS}


def id_key(entry_id: str) -> tuple[int, ...]:
    """Numeric order of ids of one collection: HB-2.10 after HB-2.9."""
    return tuple(int(n) for n in entry_id.split("-", 1)[1].split("."))


def of(*kinds: str) -> list[Spec]:
    return sorted((s for s in SPECS if s.kind in kinds), key=lambda s: id_key(s.id))


def neighbours(entry_id: str) -> set[str]:
    """Every entry related to ``entry_id`` from either end: ``related`` and body links."""
    out: set[str] = set()
    for s in SPECS:
        targets = set(s.meta.get("related", [])) | set(s.links)
        if s.id == entry_id:
            out |= targets
        elif entry_id in targets:
            out.add(s.id)
    return out - {entry_id}


def overdue(today: dt.date = TODAY) -> list[Spec]:
    """Sections whose 12-month review is past due, oldest review first."""

    def due(s: Spec) -> dt.date:
        d = dt.date.fromisoformat(s.meta["reviewed"])
        return d.replace(year=d.year + 1)

    return sorted((s for s in of("section") if due(s) < today), key=lambda s: s.meta["reviewed"])


# -- building ------------------------------------------------------------------------------------
def configure(kb: KBBuilder, **options: object) -> None:
    """mkdocs.yml of the project, pointed at this knowledge base, plus docs/index.md."""
    cfg = yaml.safe_load((PROJECT / "mkdocs.yml").read_text("utf-8"))
    cfg.update(docs_dir="docs", site_dir="site", strict=False)
    plugin_options = {"root": ".", "today": TODAY.isoformat(), **options}
    cfg["plugins"] = [
        {"dangjian-kb": plugin_options} if (next(iter(p)) if isinstance(p, dict) else p) == "dangjian-kb" else p
        for p in cfg["plugins"]
    ]
    kb.write("mkdocs.yml", yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    if not (kb.root / "docs" / "index.md").exists():
        kb.write("docs/index.md", HOME_MD)


def run_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(EPOCH)}


@dataclass
class Site:
    root: Path
    dir: Path
    returncode: int
    output: str  # stdout and stderr of the build
    _soups: dict[str, BeautifulSoup] = field(default_factory=dict, repr=False)

    def page(self, rel: str) -> BeautifulSoup:
        if rel not in self._soups:
            path = self.dir / rel
            assert path.is_file(), f"{rel} was not built"
            self._soups[rel] = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        return self._soups[rel]

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.dir).as_posix() for p in self.dir.rglob("*") if p.is_file())

    def html_pages(self) -> list[str]:
        return [f for f in self.files() if f.endswith(".html")]

    def exists(self, rel: str | None) -> bool:
        return rel is not None and (self.dir / rel).is_file()


def build(root: Path, site_dir: str = "site") -> Site:
    out = root / site_dir
    proc = subprocess.run(
        [str(BIN / "mkdocs"), "build", "-f", str(root / "mkdocs.yml"), "-d", str(out)],
        cwd=root,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Site(root, out, proc.returncode, proc.stdout + proc.stderr)


def built(site: Site) -> Site:
    assert site.returncode == 0, site.output
    return site


@pytest.fixture(scope="module")
def main_kb(kb_factory) -> KBBuilder:
    kb = kb_factory("site")
    for spec in SPECS:
        spec.write(kb)
    configure(kb)
    return kb


@pytest.fixture(scope="module")
def site(main_kb: KBBuilder) -> Site:
    return built(build(main_kb.root))


# -- reading HTML --------------------------------------------------------------------------------
def resolve(page: str, href: str | None) -> str | None:
    """The site file a relative link on ``page`` points at; None for anchors and external links."""
    if not href:
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))


def text(el: Tag) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def article(soup: BeautifulSoup) -> Tag:
    found = soup.select_one("article.md-content__inner")
    assert found is not None, "no page content"
    return found


def primary_nav(soup: BeautifulSoup) -> Tag:
    found = soup.select_one("nav.md-nav--primary")
    assert found is not None, "no sidebar"
    return found


def link_targets(page: str, el: Tag) -> list[str]:
    return [t for a in el.find_all("a") if (t := resolve(page, a.get("href")))]


def ids_in(el: Tag, selector: str = "[data-entry-id]") -> list[str]:
    return [x["data-entry-id"] for x in el.select(selector)]


def heading_name_count(el: Tag) -> tuple[str, int | None]:
    """'制度建设 （2）' -> ('制度建设', 2)."""
    t = text(el)
    m = re.search(r"[（(]\s*(\d+)\s*[）)]\s*$", t)
    return (t[: m.start()].strip(), int(m[1])) if m else (t, None)


def tables_under_headings(el: Tag) -> list[tuple[Tag | None, Tag | None, Tag]]:
    """(nearest h2, nearest h3 under it, table) for every table of ``el`` in document order."""
    out, h2, h3 = [], None, None
    for node in el.find_all(["h2", "h3", "table"]):
        if node.name == "h2":
            h2, h3 = node, None
        elif node.name == "h3":
            h3 = node
        else:
            out.append((h2, h3, node))
    return out


def row_cells(tr: Tag) -> list[str]:
    return [text(td) for td in tr.find_all("td")]


def row_link(page: str, tr: Tag) -> tuple[str, str | None]:
    a = tr.find("a")
    assert a is not None, f"row {text(tr)} has no link"
    return text(a), resolve(page, a.get("href"))


def category_url(name: str) -> str:
    cat = TAXONOMY.get(name)
    assert cat is not None
    return f"categories/{cat.slug}.html"


def tag_pages(site: Site) -> dict[str, str]:
    """Tag name -> its page, as linked from the tag index (the link's text without its use count)."""
    soup = site.page("tags/index.html")
    for count in article(soup).select("a.kb-tag .kb-tag__n"):
        count.decompose()
    return {text(a): resolve("tags/index.html", a["href"]) for a in article(soup).select("a.kb-tag[href]")}


# -- addresses -----------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_each_entry_is_published_at_its_stable_address(site: Site, spec: Spec):
    soup = site.page(spec.url)
    assert text(soup.find("h1")).endswith(spec.title)  # handbook headings may carry the section number
    assert text(soup.find("title")).startswith(spec.title)


GENERATED = [
    "index.html",
    "finder.html",
    "problems/index.html",
    "cases/index.html",
    "handbook/index.html",
    "stats.html",
    "review.html",
    "print.html",
    "about.html",
    "tags/index.html",
]


def test_site_pages_and_category_pages_exist(site: Site):
    for rel in GENERATED + [category_url(c.name) for c in TAXONOMY.categories]:
        soup = site.page(rel)
        assert article(soup).get_text(strip=True), f"{rel} is empty"
    for cat in TAXONOMY.categories:
        assert text(site.page(category_url(cat.name)).find("h1")) == cat.name
    built_entries = {
        f for f in site.html_pages() if re.fullmatch(r"(problems|cases|handbook)/(P|C|HB)-[\d.]+\.html", f)
    }
    assert built_entries == {s.url for s in SPECS}
    assert all(f.isascii() for f in site.files())


# -- navigation ----------------------------------------------------------------------------------
def test_sidebar_orders_handbook_sections_numerically(site: Site):
    page = "handbook/HB-2.9.html"
    order = link_targets(page, primary_nav(site.page(page)))
    sections = [s.url for s in of("section") if s.id.startswith("HB-2.")]
    positions = [order.index(url) for url in sections]  # ValueError names a section missing from the sidebar
    assert positions == sorted(positions), [order[p] for p in sorted(positions)]
    assert (
        order.index("handbook/HB-2.2.html") < order.index("handbook/HB-2.9.html") < order.index("handbook/HB-2.10.html")
    )


def test_sidebar_orders_chapters_numerically(site: Site):
    page = "handbook/HB-2.9.html"
    order = link_targets(page, primary_nav(site.page(page)))
    positions = [order.index(s.url) for s in of("chapter")]
    assert positions == sorted(positions)
    assert order.index("handbook/HB-2.html") < order.index("handbook/HB-10.html")


def test_problems_and_cases_are_not_in_any_sidebar_or_tabs(site: Site):
    entry_page = re.compile(r"(problems/P-\d+|cases/C-\d+)\.html")
    for page in site.html_pages():
        soup = site.page(page)
        navs = soup.select("nav.md-nav--primary, .md-tabs")
        assert navs or page == "404.html", f"{page} has no navigation"
        for nav in navs:
            listed = [t for t in link_targets(page, nav) if entry_page.fullmatch(t)]
            assert listed == [], f"{page}: {listed}"


def test_entry_page_sidebar_still_leads_to_the_collections(site: Site):
    page = "problems/P-0001.html"
    targets = set(link_targets(page, primary_nav(site.page(page))))
    assert {"problems/index.html", "cases/index.html", "handbook/index.html"} <= targets


# -- relations and links -------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_related_block_shows_relations_from_both_ends(site: Site, spec: Spec):
    soup = site.page(spec.url)
    block = soup.select_one("section.kb-related")
    expected = neighbours(spec.id)
    if not expected:
        assert block is None
        return
    assert block is not None, f"{spec.id} has no 相关内容 block"
    items = block.select("[data-entry-id]")
    assert {i["data-entry-id"] for i in items} == expected
    for item in items:
        target = BY_ID[item["data-entry-id"]]
        a = item.find("a")
        assert resolve(spec.url, a["href"]) == target.url
        assert target.title in text(a)


def test_case_listing_a_problem_appears_on_the_problem_page(site: Site):
    case = BY_ID["C-0001"]
    assert "P-0001" in case.meta["related"] and "related" not in BY_ID["P-0001"].fields
    on_problem = ids_in(site.page("problems/P-0001.html").select_one("section.kb-related"))
    on_case = ids_in(site.page("cases/C-0001.html").select_one("section.kb-related"))
    assert "C-0001" in on_problem
    assert "P-0001" in on_case


def body_of(soup: BeautifulSoup) -> Tag:
    """The entry's own body: the page content without the card and the related block."""
    body = BeautifulSoup(str(article(soup)), "html.parser")
    for extra in body.select(".kb-card, section.kb-related"):
        extra.decompose()
    return body


def test_wikilink_renders_with_the_target_title(site: Site):
    page, target = "problems/P-0001.html", BY_ID["P-0003"]
    body = body_of(site.page(page))
    links = [a for a in body.find_all("a") if resolve(page, a.get("href")) == target.url]
    assert [text(a) for a in links if text(a) != CUSTOM_TEXT] == [target.title]
    assert site.exists(target.url)
    assert "[[" not in text(body)


def test_wikilink_with_text_uses_that_text(site: Site):
    page, target = "problems/P-0001.html", BY_ID["P-0003"]
    body = body_of(site.page(page))
    custom = [a for a in body.find_all("a") if text(a) == CUSTOM_TEXT]
    assert len(custom) == 1
    assert resolve(page, custom[0]["href"]) == target.url


def test_relative_markdown_link_to_an_entry_file_goes_to_its_page(site: Site):
    page, target = "problems/P-0001.html", BY_ID["C-0002"]
    body = body_of(site.page(page))
    a = body.find("a", string="项目支部的经验")
    assert a is not None
    assert resolve(page, a["href"]) == target.url
    assert site.exists(target.url)
    assert not any(".md" in (x.get("href") or "") for x in body.find_all("a"))


# -- the metadata card ---------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_card_shows_the_metadata(site: Site, spec: Spec):
    card = site.page(spec.url).select_one(".kb-card")
    assert card is not None
    meta, whole = spec.meta, text(card)
    dds = [text(dd) for dd in card.find_all("dd")]
    assert spec.id in dds
    if "category" in meta:
        cat = card.find("a", string=meta["category"])
        assert cat is not None and resolve(spec.url, cat["href"]) == category_url(meta["category"])
    if "topic" in meta:
        assert meta["topic"] in whole
    for key in ("source", "kind", "unit", "date"):
        if key in meta:
            assert meta[key] in dds, f"{key} {meta[key]!r} not in {dds}"
    if spec.kind == "section":
        assert any(dd.startswith(meta["reviewed"]) for dd in dds)
    if "basis" in meta:
        assert [text(li) for li in card.find_all("li")] == meta["basis"]
    for tag in meta.get("tags", []):
        a = card.find("a", string=tag)
        assert a is not None, f"tag {tag!r} not linked"
        target = resolve(spec.url, a["href"])
        assert target.startswith("tags/") and site.exists(target)


# -- index pages ---------------------------------------------------------------------------------
def test_problems_index_grouped_by_category_and_topic(site: Site):
    page = "problems/index.html"
    problems = of("problem")
    seen: dict[str, tuple[str, str]] = {}
    cat_counts: dict[str, int | None] = {}
    topic_counts: dict[tuple[str, str], int | None] = {}
    for h2, h3, table in tables_under_headings(article(site.page(page))):
        assert h2 is not None and h3 is not None
        cat, cat_count = heading_name_count(h2)
        topic, topic_count = heading_name_count(h3)
        cat_counts[cat] = cat_count
        topic_counts[(cat, topic)] = topic_count
        rows = table.select("tbody tr")
        assert len(rows) == topic_count
        for tr in rows:
            spec = BY_ID[tr["data-entry-id"]]
            assert spec.id not in seen, f"{spec.id} listed twice"
            seen[spec.id] = (cat, topic)
            cells = row_cells(tr)
            assert spec.id in cells and spec.meta["source"] in cells
            assert row_link(page, tr) == (spec.title, spec.url)
    assert set(seen) == {s.id for s in problems}
    in_order = [c.name for c in TAXONOMY.categories if any(s.meta["category"] == c.name for s in problems)]
    assert list(cat_counts) == in_order
    assert cat_counts == {c: sum(s.meta["category"] == c for s in problems) for c in in_order}
    for s in problems:
        cat, topic = seen[s.id]
        assert cat == s.meta["category"]
        if "topic" in s.meta:
            assert topic == s.meta["topic"]
            assert topic_counts[(cat, topic)] == sum(p.meta.get("topic") == topic for p in problems)
        else:
            assert topic not in TAXONOMY.all_topics()


def test_cases_index_rows_show_kind_unit_and_date(site: Site):
    page = "cases/index.html"
    rows = {tr["data-entry-id"]: tr for tr in article(site.page(page)).select("tr[data-entry-id]")}
    assert set(rows) == {s.id for s in of("case")}
    for s in of("case"):
        cells = row_cells(rows[s.id])
        for key in ("kind", "unit", "date"):
            assert s.meta[key] in cells, f"{s.id} {key}"
        assert row_link(page, rows[s.id]) == (s.title, s.url)


def test_tag_pages_list_the_entries_with_that_tag(site: Site):
    pages = tag_pages(site)
    tags = {t for s in SPECS for t in s.meta.get("tags", [])}
    assert set(pages) == tags
    for tag, page in pages.items():
        soup = site.page(page)
        assert tag in text(soup.find("h1"))
        listed = ids_in(article(soup))
        assert sorted(listed) == sorted(s.id for s in SPECS if tag in s.meta.get("tags", []))
        for tr in article(soup).select("tr[data-entry-id]"):
            assert row_link(page, tr)[1] == BY_ID[tr["data-entry-id"]].url


@pytest.mark.parametrize("category", [c.name for c in TAXONOMY.categories])
def test_category_page_lists_handbook_problems_and_cases_together(site: Site, category: str):
    page = category_url(category)
    listed = set(ids_in(article(site.page(page))))
    mine = {s.id for s in SPECS if s.meta.get("category") == category}
    assert {s.id for s in SPECS if s.kind != "chapter" and s.id in mine} <= listed
    assert listed <= mine


def test_category_page_mixes_collections(site: Site):
    listed = set(ids_in(article(site.page(category_url("制度建设")))))
    assert {"HB-2.1", "P-0001", "C-0001"} <= listed


def stats_tables(soup: BeautifulSoup) -> tuple[Tag, list[str]]:
    for table in article(soup).find_all("table"):
        headers = [text(th) for th in table.select("thead th")]
        if set(LABELS.values()) <= set(headers) and headers[0] != "主题" and "主题" not in headers:
            return table, headers
    raise AssertionError("no category × collection table on stats.html")


def test_stats_counts_by_category_and_collection(site: Site):
    table, headers = stats_tables(site.page("stats.html"))
    counted = Counter((s.meta.get("category"), s.collection) for s in SPECS if s.kind != "chapter")
    rows = {}
    for tr in table.select("tbody tr"):
        cells = row_cells(tr)
        rows[cells[0]] = {coll: int(cells[headers.index(label)]) for coll, label in LABELS.items()}
    assert list(rows) == TAXONOMY.names()
    for cat, got in rows.items():
        assert got == {coll: counted[(cat, coll)] for coll in LABELS}, cat
    totals = {coll: sum(r[coll] for r in rows.values()) for coll in LABELS}
    assert totals == {coll: len([s for s in SPECS if s.collection == coll and s.kind != "chapter"]) for coll in LABELS}
    summary = text(article(site.page("stats.html")))  # the page states the totals too: "规范化手册 N 节，…"
    for coll, label in LABELS.items():
        stated = re.search(re.escape(label) + r"\s*(\d+)", summary)
        assert stated and int(stated[1]) == totals[coll], label


def test_stats_total_is_the_sum_of_the_columns_shown(shipped_site):
    # the shipped knowledge base has every collection, templates included
    table, headers = stats_tables(BeautifulSoup((shipped_site / "stats.html").read_text("utf-8"), "html.parser"))
    assert headers[-1] == "合计"
    for tr in table.select("tbody tr"):
        cells = row_cells(tr)
        assert int(cells[-1]) == sum(int(c) for c in cells[1:-1]), cells


def test_stats_lists_topics_without_problems_or_cases(site: Site):
    soup = site.page("stats.html")
    gaps = {}
    for p in article(soup).find_all("p"):
        spans = p.select("span.kb-gap")
        if spans:
            gaps[text(p).split("：")[0]] = {text(s) for s in spans}
    no_problem = [k for k in gaps if "问题" in k]
    no_case = [k for k in gaps if "案例" in k]
    assert len(no_problem) == 1 and len(no_case) == 1, gaps
    topics = set(TAXONOMY.all_topics())
    assert gaps[no_problem[0]] == topics - {s.meta.get("topic") for s in of("problem")}
    assert gaps[no_case[0]] == topics - {s.meta.get("topic") for s in of("case")}


def test_review_page_lists_past_due_sections_oldest_first(site: Site):
    expected = overdue()
    ids = [s.id for s in expected]
    assert len(ids) >= 2 and ids != sorted(ids, key=id_key) and ids != sorted(ids)  # only the dates give this order
    soup = site.page("review.html")
    heading = soup.find(id="overdue")
    assert heading is not None and heading_name_count(heading)[1] == len(expected)
    rows = heading.find_next("table").select("tbody tr")
    assert [tr["data-entry-id"] for tr in rows] == [s.id for s in expected]
    for tr, spec in zip(rows, expected):
        assert row_link("review.html", tr) == (spec.title, spec.url)
        assert spec.meta["reviewed"] in row_cells(tr)


def test_past_due_review_warns_but_the_build_succeeds(site: Site, main_kb: KBBuilder):
    assert site.returncode == 0
    warnings = [line for line in site.output.splitlines() if "WARNING" in line]
    for spec in overdue():
        rel = f"handbook/{spec.id}.md"
        line = main_kb.line(rel, "reviewed:")
        assert any(f"{rel}:{line}" in w for w in warnings), f"no warning for {rel}:\n{site.output}"
    on_time = [s for s in of("section") if s not in overdue()]
    assert not any(f"handbook/{s.id}.md:" in w for s in on_time for w in warnings)


def test_home_page_lists_the_latest_entries(site: Site):
    soup = site.page("index.html")
    heading = next(h for h in soup.find_all("h2") if "最近更新" in text(h))
    items = heading.find_next("ul").find_all("li")
    assert items, "最近更新 is empty"
    assert "dangjian-kb:latest" not in str(article(soup))
    listed, dates = [], []
    for li in items:
        target = resolve("index.html", li.find("a")["href"])
        spec = next(s for s in SPECS if s.url == target)
        assert site.exists(target) and text(li.find("a")) == spec.title
        listed.append(spec.id)
        dates.append(re.search(r"\d{4}-\d{2}(?:-\d{2})?", text(li))[0])
    assert dates == sorted(dates, reverse=True)
    newest = max((s for s in SPECS if "updated" in s.meta), key=lambda s: s.meta["updated"])
    assert listed[0] == newest.id
    left_out = [s for s in SPECS if "updated" in s.meta and s.id not in listed]
    assert all(s.meta["updated"] <= dates[-1] for s in left_out), "a more recently updated entry is missing"


# -- escaping ------------------------------------------------------------------------------------
def test_markup_in_content_never_becomes_markup(site: Site):
    pages = site.html_pages()
    for page in pages:
        soup = site.page(page)
        scripts = [s for s in soup.find_all("script") if "alert(1)" in s.get_text()]
        assert scripts == [], page
        bolds = [b for b in soup.find_all("b") if text(b) in ("粗", "单位")]
        assert bolds == [], page
    shown = [p for p in pages if EVIL in site.page(p).get_text()]
    assert len(shown) >= 5


ESCAPED_PLACES = [
    ("problems/P-0002.html", "h1", EVIL),
    ("problems/P-0002.html", "title", EVIL),
    ("problems/P-0002.html", ".kb-card", EVIL_TAG),
    ("cases/C-0002.html", ".kb-card", EVIL_UNIT),
    ("problems/index.html", 'tr[data-entry-id="P-0002"]', EVIL),
    ("cases/index.html", 'tr[data-entry-id="C-0002"]', EVIL_UNIT),
    ("cases/C-0001.html", "section.kb-related", EVIL),
    ("tags/index.html", "article", EVIL_TAG),
    ("handbook/HB-2.3.html", "h1", EVIL),
    ("handbook/HB-2.3.html", "title", EVIL),
    ("handbook/HB-2.3.html", "nav.md-nav--primary", EVIL),
    ("handbook/HB-2.9.html", "nav.md-nav--primary", EVIL),
    ("handbook/index.html", "article", EVIL),
    ("print.html", "article", EVIL),
    (category_url("队伍建设"), 'tr[data-entry-id="P-0002"]', EVIL),
    (category_url("组织建设"), 'tr[data-entry-id="C-0002"]', EVIL_UNIT),
]


@pytest.mark.parametrize(("page", "selector", "shown"), ESCAPED_PLACES, ids=lambda v: str(v)[:30])
def test_markup_in_content_is_shown_as_text(site: Site, page: str, selector: str, shown: str):
    el = site.page(page).select_one(selector)
    assert el is not None, f"{selector} not on {page}"
    assert shown in el.get_text()


def test_markup_in_a_tag_is_text_on_its_tag_page(site: Site):
    page = tag_pages(site)[EVIL_TAG]
    soup = site.page(page)
    assert EVIL_TAG in soup.find("h1").get_text()
    assert EVIL_TAG in soup.find("title").get_text()
    row = article(soup).select_one('tr[data-entry-id="P-0002"]')
    assert row is not None and EVIL in row.get_text()


# -- failing builds ------------------------------------------------------------------------------
def failing_build(kb: KBBuilder) -> Site:
    kb.chapter()
    kb.section()
    configure(kb)
    result = build(kb.root)
    assert result.returncode != 0, result.output
    assert "Traceback" not in result.output
    assert not (result.dir / "problems" / "P-0001.html").exists()
    return result


def reported_line(result: Site, rel: str) -> str:
    lines = [line for line in result.output.splitlines() if rel in line]
    assert lines, f"{rel} not named:\n{result.output}"
    return lines[0]


def test_unknown_category_fails_the_build_naming_file_and_line(kb: KBBuilder):
    rel = kb.problem(category="组织建没", topic=None)
    result = failing_build(kb)
    line = reported_line(result, f"{rel}:{kb.line(rel, 'category:')}")
    assert CJK.search(line.split(rel, 1)[1]), line
    assert "组织建没" in line


@pytest.mark.parametrize("broken", ["unclosed-list", "full-width-colon"])
def test_broken_front_matter_fails_the_build(kb: KBBuilder, broken: str):
    rel = kb.problem()
    if broken == "unclosed-list":
        kb.edit(rel, "tags: [党费, 催缴]", "tags: [党费, 催缴")
        where = kb.line(rel, "tags:")
    else:
        kb.edit(rel, "title: ", "title：")
        where = kb.line(rel, "title：")
    result = failing_build(kb)
    line = reported_line(result, f"{rel}:{where}")
    assert CJK.search(line.split(rel, 1)[1]), line


# -- offline bundle and reproducibility ----------------------------------------------------------
def bundle(site_dir: Path, cwd: Path, name: str = "kbtest") -> Path:
    cwd.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(BIN / "dangjian-kb"), "bundle", "--site-dir", str(site_dir), "--name", name],
        cwd=cwd,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    zips = sorted((cwd / "dist").glob("*.zip"))
    assert [z.name for z in zips] == [f"{name}-{EPOCH_DAY:%Y%m%d}.zip"]
    return zips[0]


def test_bundle_is_one_ascii_folder_holding_the_site(site: Site, tmp_path: Path):
    zip_path = bundle(site.dir, tmp_path)
    top = zip_path.stem
    with zipfile.ZipFile(zip_path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        assert {n.split("/", 1)[0] for n in zf.namelist()} == {top}
        assert f"{top}/index.html" in names
        assert all(n.isascii() for n in zf.namelist())
        # everything but what only a web server uses (the 404 page, the sitemaps)
        expected = [
            f for f in site.files() if f not in ("404.html", "sitemap.xml", "sitemap.xml.gz", ".dangjian-kb-site")
        ]
        assert sorted(n.split("/", 1)[1] for n in names) == expected
        for n in names:
            assert zf.read(n) == (site.dir / n.split("/", 1)[1]).read_bytes(), n


@pytest.fixture(scope="module")
def rebuilt(site: Site) -> Site:
    return built(build(site.root, "site-again"))


def test_same_sources_build_byte_identical_sites(site: Site, rebuilt: Site):
    assert rebuilt.files() == site.files()
    differ = [f for f in site.files() if (site.dir / f).read_bytes() != (rebuilt.dir / f).read_bytes()]
    assert differ == []


def test_same_sources_bundle_identical_zips(site: Site, rebuilt: Site, tmp_path: Path):
    day = 86400
    for f in rebuilt.files():  # files written at another time: the zip must not carry their times
        os.utime(rebuilt.dir / f, (EPOCH + day, EPOCH + day))
    one = bundle(site.dir, tmp_path / "one")
    two = bundle(rebuilt.dir, tmp_path / "two")
    assert one.read_bytes() == two.read_bytes()


# -- about and print -----------------------------------------------------------------------------
def test_about_page_stamp_counts_the_library(site: Site):
    about = article(site.page("about.html"))
    counts = {"handbook": len(of("section")), "problems": len(of("problem")), "cases": len(of("case"))}
    for key, n in counts.items():
        cell = about.select_one(f'[data-stamp="{key}"]')
        assert cell is not None, key
        assert [int(x) for x in re.findall(r"\d+", text(cell))] == [n], key
    built_at = about.select_one('[data-stamp="built"]')
    assert built_at is not None and EPOCH_DAY.isoformat() in text(built_at)


def test_print_page_has_every_section_in_id_order_within_chapters(site: Site):
    content = article(site.page("print.html"))
    chapters = content.select("section.kb-print-chapter")
    assert [c.get("id") for c in chapters] == [s.id for s in of("chapter")]
    for ch in chapters:
        assert text(ch.find(["h1", "h2"])) == BY_ID[ch["id"]].title
        inner = [s.get("id") for s in ch.select("section[id]")]
        assert inner == [s.id for s in of("section") if s.id.split(".")[0] == ch["id"]]
        for sec in ch.select("section[id]"):
            assert BY_ID[sec["id"]].title in text(sec.find(["h2", "h3", "h4"]))
    everything = [s.get("id") for s in content.select("section.kb-print-chapter section[id]")]
    assert everything == [s.id for s in of("section")]


# -- scale ---------------------------------------------------------------------------------------
def write_library(kb: KBBuilder, problems: int) -> None:
    kb.chapter()
    kb.section()
    topics = [(c.name, t) for c in TAXONOMY.categories for t in c.topics]
    for i in range(1, problems + 1):
        cat, topic = topics[i % len(topics)]
        kb.problem(
            f"P-{i:04d}",
            title=f"{topic}方面的第{i}个问题",
            category=cat,
            topic=topic,
            tags=[topic],
            updated=f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
        )
    configure(kb)


def test_entry_page_size_does_not_grow_with_the_library(kb_factory):
    sizes = {}
    for n in (20, 200):
        kb = kb_factory(f"lib{n}")
        write_library(kb, n)
        result = built(build(kb.root))
        assert len([f for f in result.html_pages() if f.startswith("problems/P-")]) == n
        sizes[n] = (result.dir / "problems" / "P-0001.html").stat().st_size
    assert sizes[200] < sizes[20] * 1.05, sizes
