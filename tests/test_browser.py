"""What a member sees in a real browser (Debian's Chromium through Playwright): the problem
finder over file:// and http, its facets, address and keyboard; the header search box of every
page (dropdown, Enter, IME); the phone layout; and the offline bundle opened from file:// with
every other request aborted."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import browser
from test_site import build, built, configure

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.browser

browser.require()


def _env() -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1764115200")


@pytest.fixture(scope="module")
def shipped(shipped_site) -> Path:
    return shipped_site


@pytest.fixture
def page(chrome):
    context = chrome.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def open_finder(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-kb-finder=ready]")


# ---------------------------------------------------------------- the finder


@pytest.mark.parametrize("transport", ["file", "http"])
def test_finder_puts_the_answer_first(shipped, page, transport):
    if transport == "file":
        open_finder(page, (shipped / "finder.html").as_uri())
        ids = browser.finder_results(page, "党员老是不按时交党费怎么办")
    else:
        with browser.serve(shipped) as base:
            open_finder(page, base + "finder.html")
            ids = browser.finder_results(page, "党员老是不按时交党费怎么办")
    assert ids[0] == "P-0012"
    card = page.locator("#kb-results li").first
    # a passage of the entry with the words of the query marked, not only the title
    marks = card.locator(".kb-result__snippet mark").all_inner_texts()
    assert marks and any("党费" in m or "按时" in m for m in marks), marks


def test_finder_understands_partial_words_and_synonyms(shipped, page):
    open_finder(page, (shipped / "finder.html").as_uri())
    assert "P-0025" in browser.finder_results(page, "发展对象 政审")[:3]
    # 政审 is written 政治审查 in the entry's title; the synonym list connects them
    assert "P-0025" in browser.finder_results(page, "政审材料")[:3]


def test_facets_narrow_results_and_counts_follow(shipped, page):
    open_finder(page, (shipped / "finder.html").as_uri())
    browser.finder_results(page, "党费")
    before = page.eval_on_selector_all("#kb-results [data-entry-id]", "els => els.length")
    page.click("[data-facet=collection] .kb-chip[data-value=cases]")
    page.wait_for_function("new URLSearchParams(location.search).get('collection') === 'cases'")
    ids = page.eval_on_selector_all("#kb-results [data-entry-id]", "els => els.map(e => e.dataset.entryId)")
    assert ids and all(i.startswith("C-") for i in ids)
    assert len(ids) < before
    assert page.get_attribute("[data-facet=collection] .kb-chip[data-value=cases]", "aria-pressed") == "true"
    # the category facet now counts only cases
    counts = page.eval_on_selector_all(
        "[data-facet=category] .kb-chip[data-count]", "els => els.map(e => +e.dataset.count)"
    )
    assert sum(counts) == len(ids)
    # the count says how many are shown: only results above the relevance floor
    assert page.inner_text("#kb-count") == f"找到 {len(ids)} 条"


def test_tag_facet_lists_only_tags_of_the_matches_and_is_searchable(shipped, page):
    open_finder(page, (shipped / "finder.html").as_uri())
    browser.finder_results(page, "换届")
    tags = page.eval_on_selector_all("[data-facet=tag] .kb-chip", "els => els.map(e => e.dataset.value)")
    ids = page.eval_on_selector_all("#kb-results [data-entry-id]", "els => els.map(e => e.dataset.entryId)")
    assert 0 < len(tags) < 339 and ids
    page.fill("[data-facet=tag] input", "换届")
    visible = page.eval_on_selector_all(
        "[data-facet=tag] .kb-chip:not([hidden])", "els => els.map(e => e.dataset.value)"
    )
    assert visible and all("换届" in v for v in visible)


def test_query_and_facets_round_trip_through_the_address(shipped, page):
    open_finder(page, (shipped / "finder.html").as_uri() + "?q=%E6%8D%A2%E5%B1%8A&collection=problems")
    assert page.input_value("#kb-finder-q") == "换届"
    ids = page.eval_on_selector_all("#kb-results [data-entry-id]", "els => els.map(e => e.dataset.entryId)")
    assert ids and all(i.startswith("P-") for i in ids)
    assert "P-0005" in ids[:3]
    browser.finder_results(page, "党费基数")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["党费基数"], "collection": ["problems"]}


def test_enter_keeps_the_list_and_back_returns_to_the_previous_query(shipped, page):
    """A phone's 搜索 key is Enter: it shows the list (and commits the query to the history)."""
    open_finder(page, (shipped / "finder.html").as_uri())
    assert page.evaluate("document.activeElement.id") == "kb-finder-q"
    page.keyboard.type("三会一课走过场")
    page.keyboard.press("Enter")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === '三会一课走过场'")
    assert page.get_attribute("#kb-results [data-entry-id]", "data-entry-id") == "P-0033"
    assert page.url.split("?")[0].endswith("/finder.html")  # no jump to the first result
    page.fill("#kb-finder-q", "党费基数")
    page.press("#kb-finder-q", "Enter")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === '党费基数'")
    page.go_back()
    page.wait_for_function("document.getElementById('kb-finder-q').value === '三会一课走过场'")
    assert page.get_attribute("#kb-results [data-entry-id]", "data-entry-id") == "P-0033"


def test_finder_composition_enter_does_not_commit(shipped, page):
    open_finder(page, (shipped / "finder.html").as_uri())
    page.fill("#kb-finder-q", "党费")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === '党费'")
    length = page.evaluate("history.length")
    page.dispatch_event("#kb-finder-q", "compositionstart")
    page.evaluate(
        """() => document.getElementById('kb-finder-q').dispatchEvent(new KeyboardEvent('keydown',
        {key: 'Enter', isComposing: true, bubbles: true, cancelable: true}))"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("history.length") == length


def test_find_nothing_says_so_and_helps(shipped, page):
    open_finder(page, (shipped / "finder.html").as_uri())
    assert browser.finder_results(page, "区块链加密货币") == []
    assert page.inner_text("#kb-count") == "没有找到"
    empty = page.inner_text("#kb-empty")
    assert "没有找到" in empty and "按分类浏览" in empty and "换个说法" in empty
    assert page.locator("#kb-empty a[href$='contributing.html']").count() == 1
    assert page.locator("#kb-empty a[href*='categories/']").count() >= 3
    # synonyms tried are named
    browser.finder_results(page, "政审 区块链加密货币")
    assert "政治审查" in page.inner_text("#kb-empty")


@pytest.mark.parametrize("query", ["constructor", "__proto__", "toString hasOwnProperty", "valueOf"])
def test_any_word_is_data(shipped, page, query):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_finder(page, (shipped / "finder.html").as_uri())
    assert browser.finder_results(page, query) == []
    page.goto((shipped / "index.html").as_uri())
    assert browser.header_results(page, query) == []
    assert errors == []


def _build(kb) -> Path:
    configure(kb)
    return built(build(kb.root)).dir


def test_hostile_title_is_text_in_result_cards(kb, page):
    # Markup itself is refused by `check` (test_security.py); entity text passes it and shows any card
    # that is written with innerHTML: the entities would turn into the characters they name.
    hostile = "党费&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    kb.problem(id="P-0001", title=hostile, tags=["标签&lt;b&gt;"])
    kb.case(id="C-0001", related=["P-0001"])
    open_finder(page, (_build(kb) / "finder.html").as_uri())
    browser.finder_results(page, "党费")
    card = page.locator("#kb-results [data-entry-id='P-0001']")
    assert hostile in card.inner_text()
    assert page.locator("#kb-results script, #kb-results img").count() == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_an_entry_related_to_the_best_answer_comes_up_beside_it(kb, page):
    # P-0002 and P-0003 match the query alike, on one word of it (台账: below the floor);
    # P-0003 names the best answer P-0001 in its related:, so it is shown with it.
    body = "## 问题描述\n\n每周值班表记在台账上。\n\n## 解决建议\n\n排班。\n\n## 实施步骤\n\n1. 排班。\n"
    kb.problem(id="P-0001")
    kb.problem(id="P-0002", title="值班安排不清", tags=["值班"], body=body)
    kb.problem(id="P-0003", title="值班交接不清", tags=["值班"], body=body, related=["P-0001"])
    open_finder(page, (_build(kb) / "finder.html").as_uri())
    got = browser.finder_results(page, "党费逾期 催缴台账")
    assert got[0] == "P-0001"
    assert "P-0003" in got
    assert "P-0002" not in got


# ---------------------------------------------------------------- the header search box


def test_pages_load_no_index_until_the_box_is_used(shipped, page):
    loaded = []
    page.on("request", lambda r: loaded.append(r.url))
    page.goto((shipped / "problems" / "P-0012.html").as_uri())
    page.wait_for_load_state("load")
    assert not [u for u in loaded if "finder_index" in u or "search_index" in u]
    page.focus("#kb-hs-q")
    page.wait_for_selector("html[data-kb-search=ready]")
    assert [u for u in loaded if u.endswith("finder_index.js")]


def test_header_box_shows_results_as_you_type_with_highlight(shipped, page):
    page.goto((shipped / "handbook" / "HB-2.2.html").as_uri())
    ids = browser.header_results(page, "三会一课")
    assert {"P-0033", "HB-4.1"} <= set(ids[:5])
    first = page.locator("#kb-hs-list [role=option]").first
    assert first.locator("mark").count() >= 1
    assert "三会一课" in "".join(first.locator("mark").all_inner_texts())
    text = first.inner_text()
    assert any(label in text for label in ("问题库", "规范化手册", "文书模板"))  # the collection's label
    # site pages (docs/) are searchable too
    assert "contributing.html" in browser.header_results(page, "投稿指南")[:3]


def test_header_box_quotes_the_answering_passage_at_its_anchor(shipped, page):
    page.goto((shipped / "index.html").as_uri())
    ids = browser.header_results(page, "支部换届要提前多久请示")
    assert ids[0] == "HB-1.3"
    first = page.locator("#kb-hs-list [role=option]").first
    assert "换届要提前多久准备" in first.inner_text()
    href = first.locator("a").get_attribute("href")
    assert href.endswith("handbook/HB-1.3.html#%E5%B8%B8%E8%A7%81%E9%97%AE%E9%A2%98"), href  # #常见问题
    first.locator("a").click()
    page.wait_for_url("**/HB-1.3.html#*")
    assert page.evaluate("decodeURIComponent(location.hash)") == "#常见问题"
    assert page.locator("h2#常见问题").count() == 1


def test_header_enter_opens_the_finder_with_the_query(shipped, page):
    page.goto((shipped / "problems" / "P-0012.html").as_uri())
    browser.header_results(page, "党费怎么交")
    page.press("#kb-hs-q", "Enter")
    page.wait_for_url("**/finder.html?q=*")
    page.wait_for_selector("html[data-kb-finder=ready]")
    assert page.input_value("#kb-finder-q") == "党费怎么交"
    assert page.locator("#kb-results [data-entry-id]").count() > 0


def test_header_ime_composition_does_not_submit(shipped, page):
    page.goto((shipped / "index.html").as_uri())
    browser.header_results(page, "党费")
    page.dispatch_event("#kb-hs-q", "compositionstart")
    page.evaluate(
        """() => document.getElementById('kb-hs-q').dispatchEvent(new KeyboardEvent('keydown',
        {key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true}))"""
    )
    page.press("#kb-hs-q", "Enter")  # the IME's Enter: still composing, confirms characters only
    page.wait_for_timeout(300)
    assert page.url.endswith("/index.html")
    page.dispatch_event("#kb-hs-q", "compositionend")
    page.press("#kb-hs-q", "Enter")
    page.wait_for_url("**/finder.html?q=*")


def test_slash_focuses_the_header_box(shipped, page):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((shipped / "handbook" / "HB-1.3.html").as_uri())
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "kb-hs-q"
    # focus starts loading the index; typing once it is ready is the case that used to race
    page.wait_for_selector("html[data-kb-search=ready]", state="attached")
    page.keyboard.type("换届")
    page.wait_for_function("document.getElementById('kb-hs-form').dataset.query === '换届'")
    page.keyboard.press("ArrowDown")
    # a typing timer still pending when the index answers must not redraw the list and drop
    # the option just chosen: wait past that timer before looking
    page.wait_for_timeout(150)
    chosen = page.query_selector("#kb-hs-list [aria-selected=true]")
    assert chosen is not None, "the option chosen with ArrowDown was lost"
    selected = chosen.get_attribute("data-entry-id")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{selected}.html*")
    assert errors == []


def test_header_find_nothing(shipped, page):
    page.goto((shipped / "index.html").as_uri())
    assert browser.header_results(page, "区块链加密货币") == []
    assert "没有找到" in page.inner_text("#kb-hs-status")


def test_another_departments_question_says_whom_to_ask(shipped, page):
    page.goto((shipped / "index.html").as_uri())
    # a shuttle-bus question names no Party organization: nothing, and where to ask instead
    assert browser.header_results(page, "班车几点从基地发车") == []
    status = page.inner_text("#kb-hs-status")
    assert "没有找到" in status and "行政后勤部门" in status
    # typed as keywords with a space, the word is still named
    assert browser.header_results(page, "笔记本 电脑 申请") == []
    assert "信息技术部门" in page.inner_text("#kb-hs-status")
    # the same kind of word beside 党费 is a Party question: searched as usual
    found = browser.header_results(page, "工资涨了党费要跟着调吗")
    assert found and {"HB-2.2", "P-0013"} & set(found[:3]), found
    page.goto((shipped / "finder.html").as_uri())
    page.wait_for_selector("html[data-kb-finder=ready]")
    assert browser.finder_results(page, "医保卡怎么报销门诊费用") == []
    empty = page.inner_text("#kb-empty")
    assert "人力资源部门" in empty and "按分类浏览" in empty
    assert "投稿" not in empty  # not a problem the library lacks: proposing it would not help


def test_the_party_named_only_as_who_asks_leaves_the_question_elsewhere(kb_factory, page):
    # 体检 is another department's word (synonyms.yml); 党员 only says who asks (askers). While no
    # entry uses 体检 the question goes to 行政后勤部门; 党费 beside it is a Party question.
    question = "我是党员，今年单位体检啥时候安排"
    plain = kb_factory("plain")
    plain.problem(id="P-0001")
    page.goto((_build(plain) / "index.html").as_uri())
    assert browser.header_results(page, question) == []
    assert "行政后勤部门" in page.inner_text("#kb-hs-status")
    browser.header_results(page, "体检那天党费逾期未缴怎么催缴")
    assert "行政后勤部门" not in page.inner_text("#kb-hs-status")
    # an anchor that holds an asker (预备党员 holds 党员) still names the Party's business
    browser.header_results(page, "预备党员体检那天能开转正会吗")
    assert "行政后勤部门" not in page.inner_text("#kb-hs-status")
    # once an entry speaks of 体检, the same question is searched
    uses = kb_factory("uses")
    uses.problem(id="P-0001", title="今年单位体检与党员组织生活时间冲突的安排", tags=["体检"])
    page.goto((_build(uses) / "index.html").as_uri())
    assert browser.header_results(page, question) == ["P-0001"]


def test_a_long_spoken_question_finds_its_answer(shipped, page):
    # context, filler and 咋办 around a few words that matter
    page.goto((shipped / "index.html").as_uri())
    found = browser.header_results(page, "我们支部的组织委员上个月调走了，支委会现在少一个人，要不要补选，咋办")
    assert "P-0009" in found[:3], found


def test_a_story_that_names_the_party_is_searched_as_one(shipped, page):
    page.goto((shipped / "index.html").as_uri())
    # most words are the story's (中秋, 桶油, 袋米), none of the entries': 党费 says it is ours
    found = browser.header_results(page, "中秋能不能用党费给党员每人发桶油发袋米")
    assert {"HB-2.3", "P-0014"} & set(found[:3]), found
    # the same story about the workforce is not a Party question
    assert browser.header_results(page, "中秋能不能给职工每人发桶油发袋米") == []
    # a Party word in passing does not stretch the floor for another department's business
    assert browser.header_results(page, "我们支部组织委员下个月要休产假，产假一共能休多少天") == []


def test_a_question_naming_no_party_organization_needs_one_entry_to_cover_it(shipped, page):
    page.goto((shipped / "index.html").as_uri())
    # 新员工, 培训, 资料 each occur somewhere, no entry answers the question
    assert browser.header_results(page, "新员工入职培训资料在哪下载") == []
    # the library's own words, without naming the Party organization, still find their entry
    assert "HB-3.5" in browser.header_results(page, "介绍信丢了怎么办")[:3]


def test_a_printed_problem_keeps_its_title_and_card(shipped, page):
    # the template pages' print rules (公文: no title bar, no card) stay on template pages
    page.goto((shipped / "problems" / "P-0012.html").as_uri())
    page.emulate_media(media="print")
    assert page.locator(".md-content h1").first.is_visible()
    assert page.locator(".kb-card").first.is_visible()
    assert not page.locator(".md-header").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert b"/MediaBox [0 0 594.9" in pdf  # A4 (595 x 842 pt), not the browser's Letter (612 x 792)


def test_phone_layout(shipped, chrome):
    shots = Path("/tmp/search-shots")
    shots.mkdir(exist_ok=True)
    context = chrome.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    try:
        page.goto((shipped / "problems" / "P-0012.html").as_uri())
        box = page.locator("#kb-hs-q").bounding_box()
        assert box and box["width"] >= 120 and box["x"] + box["width"] <= 390
        browser.header_results(page, "党费怎么交")
        panel = page.locator("#kb-hs-panel").bounding_box()
        assert panel["width"] >= 380 and panel["x"] >= 0
        page.screenshot(path=str(shots / "phone-header-dropdown.png"))
        page.goto((shipped / "finder.html").as_uri() + "?q=" + "党费")
        page.wait_for_selector("html[data-kb-finder=ready]")
        assert page.evaluate("document.getElementById('kb-sheet').open") is False  # a tap away
        page.screenshot(path=str(shots / "phone-finder.png"))
        page.click("#kb-sheet summary")
        heights = page.eval_on_selector_all(
            "#kb-facets .kb-chip:not([hidden]), #kb-sheet summary, #kb-facets input",
            "els => els.map(e => e.getBoundingClientRect().height)",
        )
        assert heights and min(heights) >= 44, heights
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "phone-finder-facets.png"), full_page=False)
        page.goto((shipped / "finder.html").as_uri() + "?q=" + "区块链加密货币")
        page.wait_for_selector("html[data-kb-finder=ready]")
        page.screenshot(path=str(shots / "phone-finder-nothing.png"))
    finally:
        context.close()


# ---------------------------------------------------------------- the offline bundle


@pytest.fixture(scope="module")
def bundle(shipped, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [str(BIN / "dangjian-kb"), "bundle", "--site-dir", str(shipped), "--out", str(out)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (zip_path,) = out.glob("dangjian-kb-*.zip")
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(zip_path) as zf:
        tops = {n.split("/", 1)[0] for n in zf.namelist()}
        assert len(tops) == 1
        zf.extractall(target)
    return target / tops.pop()


def test_bundle_works_from_file_with_no_network(bundle, page):
    blocked = browser.guard_network(page, ("file://",))
    page.goto((bundle / "index.html").as_uri())
    # a member browses: home -> problem library -> a problem
    page.click("a[href='problems/index.html']")
    page.click("a[href='P-0012.html']")
    assert page.url.endswith("/problems/P-0012.html")
    assert "党费" in page.locator("h1").first.inner_text()
    # the header search box
    assert "P-0012" in browser.header_results(page, "党费")
    # the finder
    page.goto((bundle / "finder.html").as_uri())
    page.wait_for_selector("html[data-kb-finder=ready]")
    assert browser.finder_results(page, "换届请示怎么写")[:3].count("HB-1.4") == 1
    assert blocked == [], f"requests left file://: {blocked}"


@pytest.mark.parametrize(
    "text",
    [
        "党员老是不按时交党费怎么办",
        "三会一课 ABC-12 预备党员转正",
        "Ｐ－００１２ 党",
        "换届（请示）模板",
        "欠缴党费 台帐",
    ],
)
def test_browser_tokenizes_like_the_index(shipped, page, text):
    """The finder's query tokens are the index's tokens: same bigrams, words and terms."""
    from collections import Counter

    from dangjian_kb.search import search_text

    open_finder(page, (shipped / "finder.html").as_uri())
    in_browser = page.evaluate("t => window.KBFinder.tokens(t)", text)
    assert Counter(in_browser) == Counter(search_text.tokens(text, search_text.dictionary_terms()))
