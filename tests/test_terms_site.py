"""The register on the built site: the 换届提醒 page (build-date statuses without JavaScript, the
reader's date with it, from file://), the calendars, case pages and the statistics page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from icalendar import Calendar

import browser
from conftest import TODAY
from test_site import article, build, built, configure, text

REGISTER = """organizations:
  - id: ORG-001
    name: 某海洋能源后勤服务公司党委
    level: 党委
    type: 企业
    elected: 2022-06-28
  - id: ORG-010
    name: 餐饮服务党总支
    level: 党总支
    type: 企业
    parent: ORG-001
    elected: 2023-07-15
  - id: ORG-011
    name: 中央厨房党支部
    level: 党支部
    type: 企业
    parent: ORG-010
    elected: 2023-10-20
  - id: ORG-012
    name: <b>单位</b>党支部
    level: 党支部
    type: 企业
    parent: ORG-010
    elected: 2023-05-01
  - id: ORG-013
    name: 冷链配送党支部
    level: 党支部
    type: 企业
    parent: ORG-010
  - id: ORG-020
    name: 滨海生活基地社区党支部
    level: 党支部
    type: 社区
    parent: ORG-001
    elected: 2025-01-10
  - id: ORG-029
    name: 投产保障临时党支部
    level: 临时党支部
    type: 企业
    parent: ORG-001
    elected: 2025-03-01
    ends: 2027-03-31
"""
# Statuses on the build date (TODAY, 2026-06-01) and a year later, as the reader's clock says.
AT_BUILD = {
    "ORG-001": "normal",
    "ORG-010": "request",
    "ORG-011": "remind",
    "ORG-012": "overdue",
    "ORG-013": "none",
    "ORG-020": "normal",
    "ORG-029": "normal",
}
YEAR_LATER = {
    "ORG-001": "request",
    "ORG-010": "overdue",
    "ORG-011": "overdue",
    "ORG-012": "overdue",
    "ORG-013": "none",
    "ORG-020": "normal",
    "ORG-029": "overdue",
}


@pytest.fixture(scope="module")
def site(kb_factory):
    kb = kb_factory("terms")
    kb.section("HB-1.3", title="换届选举", topic="换届选举")
    kb.problem()
    kb.case("C-0001", unit="ORG-011")
    kb.case("C-0002", unit="滨海生活基地社区党支部", title="社区党支部服务倒班职工家属")
    kb.write("organizations.yml", REGISTER)
    configure(kb)
    return built(build(kb.root))


def rows(soup) -> dict[str, str]:
    out = {}
    for tr in soup.select("tr[data-org]"):
        span = tr.select_one('[data-cell="status"] .kb-st')
        out[tr["data-org"]] = next(c for c in span["class"] if c.startswith("kb-st-")).removeprefix("kb-st-")
    return out


def test_page_shows_build_date_statuses_without_javascript(site):
    soup = site.page("terms.html")
    assert rows(soup) == AT_BUILD
    assert text(soup.select_one('#org-ORG-012 [data-cell="days"]')) == "已过 31 天"
    assert text(soup.select_one('#org-ORG-010 [data-cell="days"]')) == "44"
    assert soup.select_one("#kb-terms-date")["datetime"] == TODAY.isoformat()
    # grouped by status, most urgent first, each with what to do and the handbook link
    groups = [s["data-status"] for s in soup.select("section[data-status]")]
    assert groups == ["overdue", "request", "remind", "normal", "none"]
    overdue = soup.select_one('section[data-status="overdue"]')
    assert "ORG-012" in text(overdue) and overdue.select_one('a[href="handbook/HB-1.3.html"]')
    # then by parent
    normal = soup.select_one('section[data-status="normal"]')
    assert [h["data-parent-heading"] for h in normal.select("h3")] == ["", "ORG-001"]


def test_page_escapes_names_and_embeds_safe_json(site):
    html = (site.dir / "terms.html").read_text("utf-8")
    assert "<b>单位</b>" not in html and "&lt;b&gt;单位&lt;/b&gt;党支部" in html
    soup = site.page("terms.html")
    raw = soup.select_one("#kb-terms-data").string
    assert "<" not in raw
    data = json.loads(raw)
    org = next(o for o in data["orgs"] if o["id"] == "ORG-011")
    assert org == {
        "id": "ORG-011",
        "parent": "ORG-010",
        "level": "党支部",
        "ancestors": ["ORG-010", "ORG-001"],
        "end": "2026-10-20",
        "remind": "2026-04-20",
        "request": "2026-08-20",
    }


def test_page_is_in_the_navigation(site):
    nav = site.page("index.html").select_one("nav.md-nav--primary")
    assert any(a.get("href", "").endswith("terms.html") and "换届提醒" in text(a) for a in nav.select("a"))


def test_cases_and_organizations_link_both_ways(site):
    case = article(site.page("cases/C-0001.html"))
    link = case.select_one(".kb-terms-case a")
    assert link["href"] == "../terms.html#org-ORG-011" and "中央厨房党支部" in text(link)
    assert article(site.page("cases/C-0002.html")).select_one('.kb-terms-case a[href="../terms.html#org-ORG-020"]')
    row = site.page("terms.html").select_one("#org-ORG-011")
    assert row.select_one('a[href="cases/C-0001.html"]')


def test_statistics_page_counts_term_statuses(site):
    soup = site.page("stats.html")
    counts = {tr["data-term-status"]: int(tr.select("td")[1].get_text()) for tr in soup.select("tr[data-term-status]")}
    assert counts == {"overdue": 1, "request": 1, "remind": 1, "normal": 3, "none": 1}


def test_calendars_are_published_and_linked(site):
    soup = site.page("terms.html")
    hrefs = [a["href"] for a in soup.select(".kb-terms-ics a")]
    assert hrefs == ["calendar/terms.ics", "calendar/terms-ORG-001.ics", "calendar/terms-ORG-010.ics"]
    for href in hrefs:
        assert (site.dir / href).is_file()
    cal = Calendar.from_ical((site.dir / "calendar/terms-ORG-010.ics").read_bytes())
    uids = sorted(str(e["UID"]) for e in cal.walk("VEVENT") if str(e["UID"]).endswith("-end@dangjian-kb.invalid"))
    assert uids == [f"{i}-end@dangjian-kb.invalid" for i in ("ORG-010", "ORG-011", "ORG-012")]
    stamp = {e.decoded("DTSTAMP") for e in cal.walk("VEVENT")}
    assert stamp == {dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}  # SOURCE_DATE_EPOCH of the test build


def test_register_error_fails_the_build(kb_factory):
    kb = kb_factory("terms-bad")
    kb.problem()
    kb.write(
        "organizations.yml",
        REGISTER.replace("parent: ORG-010\n    elected: 2023-10-20", "parent: ORG-099\n    elected: 2023-10-20"),
    )
    configure(kb)
    result = build(kb.root)
    assert result.returncode != 0 and "KB063" in result.output and "ORG-099" in result.output


def test_overdue_error_option_fails_the_build(kb_factory):
    kb = kb_factory("terms-strict")
    kb.problem()
    kb.write("organizations.yml", REGISTER)
    configure(kb, overdue_error=True)
    result = build(kb.root)
    assert result.returncode != 0 and "KB068" in result.output


def test_a_register_named_in_mkdocs_yml_that_is_not_there_fails_the_build(kb_factory):
    kb = kb_factory("terms-misnamed")
    kb.problem()
    kb.write("organizations.yml", REGISTER)
    configure(kb, register="organisations.yml")
    result = build(kb.root)
    assert result.returncode != 0
    assert "'organisations.yml' 不存在" in result.output and "是否想写 'organizations.yml'？" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "option, value, said",
    [
        ("overdue_error", "是", "应写 true 或 false；现为 '是'"),
        ("taxonomy", ["a", "b"], "应为一个文件名（相对知识库根目录），如 'taxonomy.yml'；现为 '[a, b]'"),
        ("today", "2026-6-1", "日期 '2026-6-1' 格式不对"),
    ],
)
def test_a_wrong_plugin_option_is_named_in_chinese(kb_factory, option, value, said):
    kb = kb_factory("terms-option")
    kb.problem()
    configure(kb, **{option: value})
    result = build(kb.root)
    assert result.returncode != 0 and f"'{option}'" in result.output and said in result.output, result.output
    assert "Traceback" not in result.output and "Expected type" not in result.output


# ---------------------------------------------------------------- in the browser


def open_terms(chrome, site, when: dt.datetime):
    context = chrome.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.set_fixed_time(when)
    blocked = browser.guard_network(page, ("file://",))
    page.goto((site.dir / "terms.html").as_uri())
    page.wait_for_selector("html[data-kb-terms=ready]")
    return context, page, errors, blocked


def live_rows(page) -> dict[str, str]:
    script = """() => Object.fromEntries([...document.querySelectorAll('tr[data-org]')].map(tr => [
        tr.dataset.org, tr.closest('section').dataset.status]))"""
    return page.evaluate(script)


@pytest.mark.browser
def test_browser_recomputes_statuses_a_year_later(chrome, site):
    context, page, errors, blocked = open_terms(chrome, site, dt.datetime(2027, 6, 1, 9, 0))
    try:
        assert live_rows(page) == YEAR_LATER
        cells = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('tr[data-org]')].map(tr => [
            tr.dataset.org, tr.querySelector('[data-cell=status] .kb-st').className]))""")
        assert cells["ORG-001"] == "kb-st kb-st-request"
        assert page.inner_text("#kb-terms-date") == "2027-06-01"
        assert "网站生成于 2026-06-01" in page.inner_text("#kb-terms-asof")
        assert page.inner_text('#org-ORG-001 [data-cell="days"]') == "27"  # to 2027-06-28
        assert page.inner_text('#org-ORG-012 [data-cell="days"]') == "已过 396 天"  # since 2026-05-01
        assert page.inner_text('section[data-status="overdue"] [data-group-count]') == "4"
        assert errors == [] and blocked == []
    finally:
        context.close()


@pytest.mark.browser
def test_browser_on_the_build_date_agrees_with_the_html(chrome, site):
    context, page, errors, _ = open_terms(chrome, site, dt.datetime(2026, 6, 1, 9, 0))
    try:
        assert live_rows(page) == AT_BUILD
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_browser_filters_by_parent_and_level(chrome, site):
    context, page, _, _ = open_terms(chrome, site, dt.datetime(2026, 6, 1, 9, 0))
    try:
        visible = "() => [...document.querySelectorAll('tr[data-org]')].filter(tr => !tr.hidden).map(tr => tr.dataset.org).sort()"
        page.select_option("#kb-terms-parent", "ORG-010")
        assert page.evaluate(visible) == ["ORG-010", "ORG-011", "ORG-012", "ORG-013"]
        assert page.inner_text("#kb-terms-shown") == "显示 4 / 7 个党组织"
        page.select_option("#kb-terms-level", "党支部")
        assert page.evaluate(visible) == ["ORG-011", "ORG-012", "ORG-013"]
        assert page.inner_text('section[data-status="normal"] [data-group-count]') == "0"
        assert page.is_visible('section[data-status="normal"] [data-empty]')
        page.select_option("#kb-terms-parent", "")
        assert page.evaluate(visible) == ["ORG-011", "ORG-012", "ORG-013", "ORG-020"]
    finally:
        context.close()


def test_rebuild_gives_identical_page_and_calendars(site):
    again = built(build(site.root, "site-again"))
    for rel in [
        "terms.html",
        "stats.html",
        "calendar/terms.ics",
        "calendar/terms-ORG-001.ics",
        "calendar/terms-ORG-010.ics",
    ]:
        assert (site.dir / rel).read_bytes() == (again.dir / rel).read_bytes(), rel
