"""The search index as built for a site: sections with the anchors the pages really have,
collections with their labels, site pages included; every page carries the header box and
no index. Plus the slug and section rules on their own."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from dangjian_kb.search import passages, search_text, slugs
from test_site import Site, build, built, configure

INDEX = "assets/dangjian_kb/finder_index.js"


@pytest.fixture(scope="module")
def site(kb_factory) -> Site:
    kb = kb_factory("search")
    kb.problem(
        id="P-0001",
        body=(
            "\n## 问题描述\n\n党员不按时交党费。\n\n## 解决建议\n\n建立催缴台账。\n\n"
            "### 换届要提前多久准备？\n\n提前 6 个月。\n\n### 换届要提前多久准备？\n\n重复的标题。\n\n"
            "## 实施步骤\n\n1. 核对台账。\n"
        ),
    )
    kb.case(id="C-0001")
    configure(kb)
    kb.write("docs/contributing.md", "# 投稿指南\n\n## 在网页上投稿\n\n填写表单。\n")
    kb.write("docs/hidden.md", "---\ntitle: 目录页\nsearch:\n  exclude: true\n---\n\n# 目录页\n\n只列出其他页面。\n")
    return built(build(kb.root))


def index(site: Site) -> dict:
    text = (site.dir / INDEX).read_text("utf-8")
    assert text.startswith("window.KB_FINDER_INDEX=") and "</" not in text
    return json.loads(text[len("window.KB_FINDER_INDEX=") : -2])


def sections(idx: dict) -> dict[str, list[tuple[str, str]]]:
    """url -> [(heading, anchor)] of every section slot."""
    f = {name: i for i, name in enumerate(idx["fields"])}
    out: dict[str, list[tuple[str, str]]] = {}
    docs = idx["docs"]
    for n, d in enumerate(docs):
        end = docs[n + 1][f["first"]] if n + 1 < len(docs) else len(idx["units"])
        for u in idx["units"][d[f["first"]] + 1 : end]:
            heading = idx["headings"][u[0]]
            out.setdefault(d[f["url"]], []).append((heading, u[2] if len(u) > 2 else heading))
    return out


def test_every_section_anchor_is_an_id_of_its_page(site: Site):
    found = sections(index(site))
    assert ("换届要提前多久准备？", "换届要提前多久准备") in found["problems/P-0001.html"]
    assert ("换届要提前多久准备？", "换届要提前多久准备_1") in found["problems/P-0001.html"]
    for url, secs in found.items():
        ids = {el.get("id") for el in site.page(url).select("[id]")}
        for heading, anchor in secs:
            if anchor:
                assert anchor in ids, (url, heading, anchor)
    # the page links its headings with the same words, not #_1
    assert site.page("problems/P-0001.html").select_one("h2#解决建议") is not None


def test_collections_travel_with_their_labels_and_site_pages_are_indexed(site: Site):
    idx = index(site)
    labels = {c[0]: c[1] for c in idx["collections"]}
    assert labels["problems"] == "问题库" and labels["cases"] == "案例集" and labels["pages"] == "网站页面"
    asked = {c[0]: c[2] for c in idx["collections"] if len(c) > 2}
    assert "案例" in asked["cases"]  # 案例 in a query asks for cases: they rank higher
    urls = [d[idx["fields"].index("url")] for d in idx["docs"]]
    assert "contributing.html" in urls and idx["contribute"] == "contributing.html"
    assert "hidden.html" not in urls  # search: {exclude: true} in its front matter


def test_pages_carry_the_header_box_and_no_index(site: Site):
    assert not site.exists("search/search_index.json") and not site.exists("search/search_index.js")
    for rel in ("index.html", "problems/P-0001.html", "finder.html"):
        soup = site.page(rel)
        form = soup.select_one("form#kb-hs-form[role=search]")
        assert form is not None and form.select_one("input#kb-hs-q[name=q]") is not None
        assert form["action"].endswith("finder.html")
        scripts = [s.get("src", "") for s in soup.select("script[src]")]
        assert any(s.endswith("kb-search.js") for s in scripts)
        assert any(s.endswith("finder_index.js") for s in scripts) == (rel == "finder.html")
        assert not soup.select(".md-search")  # material's search is gone


def test_the_index_weighs_characters_and_knows_what_belongs_elsewhere(site: Site):
    idx = index(site)
    df = dict(zip(idx["chars"], idx["charDf"]))
    assert df["党"] >= df["催"] >= 1 and "币" not in df  # 的/党 everywhere weigh little; unseen weigh most
    assert idx["elsewhere"]["anchors"] and any("社保" in words for _, words in idx["elsewhere"]["topics"])


def test_query_stopwords_come_from_the_list_but_keep_this_knowledge_bases_words():
    words = search_text.query_stopwords(["选举结果报告", "发展党员档案材料缺页、日期前后倒置"])
    assert {"用来", "可以", "咋办", "怎么办", "关于"} <= set(words)
    assert "结果" not in words and "前后" not in words  # used in a title: content here
    assert "依据" not in words and "有的" not in words  # meaningful in Party work; would cut 有的放矢
    assert "党费" not in words and "三会一课" not in words
    # never a single character of the list (会, 区, 时): the query is cut on these as substrings
    assert not {"会", "区", "时", "年"} & set(words)
    assert list(words) == sorted(words, key=lambda w: (-len(w), w))  # longest first: 怎么办 before 怎么


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("换届要提前多久准备？", "换届要提前多久准备"),
        ("Step 1: ABC", "step-1-abc"),
        ("《条例》第三条", "条例第三条"),
        ("？", ""),
    ],
)
def test_slugify_keeps_words(heading, slug):
    assert slugs.slugify(heading) == slug


def test_sections_follow_markdowns_ids():
    secs = passages.split(
        "前言\n\n## 一、要求 {#req}\n\n文字\n\n```\n## 代码里的不是标题\n```\n\n## [链接](x.md) **加粗**\n\n## ？\n"
    )
    assert [(s.heading, s.anchor) for s in secs] == [
        ("", ""),
        ("一、要求", "req"),
        ("链接 加粗", "链接-加粗"),
        ("？", "_1"),
    ]
    assert quote(secs[2].anchor)  # usable in an address
