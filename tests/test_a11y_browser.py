"""Phone-first and accessible (issue 17), in real Chromium on the shipped site: no sideways page
scroll at 320 px, the answer on the first phone screen, unique ids on the printed handbook, a
Chinese footer with no off-site link, the tag page grouped by category and topic, the home page's
own search box."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import browser

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.browser

browser.require()

PAGE_TYPES = [
    "index.html",
    "handbook/HB-1.1.html",
    "problems/P-0012.html",
    "cases/C-0001.html",
    "templates/T-0002.html",
    "problems/index.html",
    "categories/index.html",
    "categories/organization.html",
    "tags/index.html",
    "stats.html",
    "review.html",
    "terms.html",
    "standards/zhibu-daobiao.html",
    "finder.html",
    "print.html",
    "about.html",
    "basis.html",
]


@pytest.fixture(scope="module")
def shipped(shipped_site) -> Path:
    return shipped_site


@pytest.fixture(scope="module")
def served(shipped):
    with browser.serve(shipped) as base:
        yield base


@pytest.fixture
def phone(chrome):
    context = chrome.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(chrome):
    context = chrome.new_context(viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_sideways_page_scroll_at_320px(served, phone, path):
    phone.goto(served + path)
    # the page box itself: nothing wider than the screen that is not inside its own scroller
    wide = phone.evaluate(
        """() => {
          const vw = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.querySelectorAll('.md-content *')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.right <= vw + 1) continue;
            let p = el.parentElement, clipped = false;
            for (; p && p !== document.body; p = p.parentElement) {
              const s = getComputedStyle(p);
              if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && p.getBoundingClientRect().right <= vw + 1) { clipped = true; break; }
            }
            if (!clipped) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
          }
          return out.slice(0, 5);
        }"""
    )
    assert wide == []
    assert phone.evaluate("document.scrollingElement.scrollWidth <= document.documentElement.clientWidth")


def test_phone_tables_scroll_with_the_id_column_held_and_dates_whole(served, chrome):
    context = chrome.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(served + "problems/index.html")
    table = page.locator("table.kb-table").first
    assert table.evaluate("t => getComputedStyle(t).overflowX") == "auto"
    first = table.locator("td.kb-id").first
    assert first.evaluate("td => getComputedStyle(td).position") == "sticky"
    # every date and id cell is one line: its text makes one box, not "2026-" over "11-25"
    lines = table.locator("tbody tr td:not(:nth-child(2))").evaluate_all(
        "tds => tds.map(td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; })"
    )
    assert lines and set(lines) == {1}
    context.close()


def test_the_answer_is_on_the_first_phone_screen(served, chrome):
    context = chrome.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(served + "problems/P-0012.html")
    card = page.locator("details.kb-card")
    assert not card.evaluate("d => d.open")
    assert "P-0012" in card.locator("summary").inner_text()
    first_list_item = page.locator("article li").first  # 解决建议 starts with a list
    assert first_list_item.bounding_box()["y"] < 844
    card.locator("summary").click()
    assert page.locator("details.kb-card dt", has_text="标签").is_visible()
    context.close()


def test_the_card_is_shown_in_full_on_a_desktop(served, desktop):
    desktop.goto(served + "problems/P-0012.html")
    assert desktop.locator("details.kb-card dt", has_text="主题").is_visible()


def test_printed_handbook_ids_are_unique_and_its_links_land(served, desktop):
    desktop.goto(served + "print.html")
    dupes = desktop.evaluate(
        """() => { const c = new Map(); for (const e of document.querySelectorAll('[id]')) c.set(e.id, (c.get(e.id) || 0) + 1);
                   return [...c].filter(([, n]) => n > 1).map(([k]) => k); }"""
    )
    assert dupes == []
    dangling = desktop.evaluate(
        """() => [...document.querySelectorAll('a[href^="#"]')].map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
                  .filter(id => id && !document.getElementById(id))"""
    )
    assert dangling == []
    # one numbering: the contents list shows no list markers (titles carry 第一章 / HB-1.1)
    assert desktop.locator(".kb-print-toc ol").first.evaluate("o => getComputedStyle(o).listStyleType") == "none"
    assert "生成时间" in desktop.locator(".kb-print-cover").inner_text()


def test_footer_is_chinese_with_no_off_site_link(served, desktop):
    for path in ("index.html", "problems/P-0012.html"):
        desktop.goto(served + path)
        footer = desktop.locator("footer.md-footer")
        text = footer.inner_text()
        assert "Made with" not in text and "Material" not in text
        assert "关于本站" in text
        hrefs = footer.locator("a").evaluate_all("as => as.map(a => a.href)")
        assert hrefs and all(h.startswith(served) for h in hrefs), hrefs


def test_tag_page_grouped_by_category_most_used_first(served, desktop):
    desktop.goto(served + "tags/index.html")
    groups = desktop.locator("section.kb-tag-group")
    assert groups.count() == 5
    assert groups.first.locator("h2").inner_text().startswith("组织建设")
    counts = groups.first.locator("ul.kb-tag-cloud").first.locator(".kb-tag__n").all_inner_texts()
    assert len(counts) > 1 and [int(n) for n in counts] == sorted((int(n) for n in counts), reverse=True)
    once = desktop.locator("details.kb-tag-once")
    assert not once.evaluate("d => d.open")
    assert once.locator("a.kb-tag").count() > 0
    assert not once.locator("a.kb-tag").first.is_visible()


def test_home_search_box_goes_to_the_finder(served, desktop):
    desktop.goto(served + "index.html")
    assert desktop.locator(".kb-home-focus a").count() == 6  # five focuses and the overview
    desktop.fill("#kb-home-q", "党费")
    desktop.locator(".kb-home-search button").click()
    desktop.wait_for_url("**/finder.html?q=*")
    assert "finder.html" in desktop.url
