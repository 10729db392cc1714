"""The self-check page and the 党委's comparison view in real Chromium, opened from file://:
two branches scored, kept over a reload, exported, cleared, imported back; the comparison's
totals are the sums of the item scores; a veto item forces the level down; the print view is a
signed 自查表; what is read back from storage or a file is validated."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

import browser
from dangjian_kb.check import validate

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.browser

browser.require()

STD = validate.load(REPO, REPO / "taxonomy.yml").standards[0]
ITEMS = {i.id: i for i in STD.items}


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site


@pytest.fixture
def context(chrome):
    ctx = chrome.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield ctx
    ctx.close()


def open_page(context, url: str):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.blocked = browser.guard_network(page, ("file://",))
    page.goto(url)
    return page


def expected_score(items: dict) -> float:
    """The standard's rule, computed here independently of the page's script."""
    total = 0.0
    for item_id, st in items.items():
        item = ITEMS[item_id]
        if not st["evidence"]:
            continue
        if st["score"] is not None:
            total += st["score"]
        else:
            total += max(0, item.points - sum(item.deductions[i].points for i in st["deductions"]))
    return total


def score_branch(page, name: str, checker: str, date: str, deductions: dict[str, list[int]], veto: str | None = None):
    page.fill("#kb-sc-name", name)
    page.press("#kb-sc-name", "Tab")
    page.fill("#kb-sc-checker", checker)
    page.press("#kb-sc-checker", "Tab")
    page.fill("#kb-sc-date", date)
    for item in STD.items:
        page.check(f"#{item.id} [data-kb-ev='0']")
        for i in deductions.get(item.id, []):
            page.check(f"#{item.id} [data-kb-ded='{i}']")
    if veto:
        page.check(f"#{veto} [data-kb-veto]")


def export(page, tmp: Path, name: str) -> Path:
    with page.expect_download() as dl:
        page.click("#kb-sc-export")
    path = tmp / name
    dl.value.save_as(path)
    return path


def test_self_check_round_trip_and_comparison(site, context, tmp_path):
    url = (site / "standards" / "zhibu-daobiao.html").as_uri()
    page = open_page(context, url)
    # branch 1: two deductions; branch 2: full marks but a veto item hit
    score_branch(page, "餐饮服务第一党支部", "组织委员甲", "2026-11-28", {"ZB-04": [0], "ZB-09": [0, 2]})
    page.fill("#ZB-04 [data-kb-note]", "9月倒班党员补学记录缺失，已补开")
    page.press("#ZB-04 [data-kb-note]", "Tab")
    assert page.text_content("#kb-sc-total") == "94"
    assert page.text_content("#kb-sc-level") == "先进"
    assert "“示范”（95 分）还差 1 分" in page.text_content("#kb-sc-next")

    page.click("#kb-sc-add")
    score_branch(page, "平台保障党支部", "组织委员乙", "2026-11-29", {}, veto="ZB-02")
    assert page.text_content("#kb-sc-total") == "100"
    assert page.text_content("#kb-sc-level") == "不评定（一票否决）"  # a veto item forces the level down
    assert "ZB-02" in page.text_content("#kb-sc-next")
    page.uncheck("#ZB-02 [data-kb-veto]")
    assert page.text_content("#kb-sc-level") == "示范"
    page.check("#ZB-02 [data-kb-veto]")

    # reload: both branches and their scores are kept
    page.reload()
    assert page.eval_on_selector_all("#kb-sc-branch option", "os => os.map(o => o.value)") == [
        "餐饮服务第一党支部",
        "平台保障党支部",
    ]
    assert page.input_value("#kb-sc-branch") == "平台保障党支部"
    assert page.text_content("#kb-sc-level") == "不评定（一票否决）"
    page.select_option("#kb-sc-branch", "餐饮服务第一党支部")
    assert page.text_content("#kb-sc-total") == "94"
    assert page.input_value("#kb-sc-checker") == "组织委员甲"
    assert page.input_value("#ZB-04 [data-kb-note]") == "9月倒班党员补学记录缺失，已补开"

    first = export(page, tmp_path, "first.json")
    data = json.loads(first.read_text("utf-8"))
    assert data["format"] == "dangjian-kb-selfcheck" and data["standard"] == "zhibu-daobiao"
    assert data["branch"] == "餐饮服务第一党支部" and data["items"]["ZB-09"]["deductions"] == [0, 2]
    assert expected_score(data["items"]) == 94

    # the print view is a signed 自查表 with branch, date, checker and totals
    page.emulate_media(media="print")
    sign = page.locator("#kb-sc-sign")
    assert sign.is_visible()
    text = sign.inner_text()
    for words in ("餐饮服务第一党支部", "2026-11-28", "组织委员甲", "94 / 100", "先进", "支部书记（签字）"):
        assert words in text
    assert not page.locator("#kb-sc-export").is_visible()
    page.emulate_media(media="screen")

    # clear, then import the exported file: the state comes back
    page.click("#kb-sc-clear")
    assert page.text_content("#kb-sc-total") == "0"
    assert page.input_value("#ZB-04 [data-kb-note]") == ""
    page.set_input_files("#kb-sc-import", str(first))
    page.wait_for_function("document.getElementById('kb-sc-total').textContent === '94'")
    assert page.input_value("#ZB-04 [data-kb-note]") == "9月倒班党员补学记录缺失，已补开"
    assert page.is_checked("#ZB-09 [data-kb-ded='2']")

    page.select_option("#kb-sc-branch", "平台保障党支部")
    second = export(page, tmp_path, "second.json")

    # a file of another standard is refused, in Chinese
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**data, "standard": "dangyuan-jifen", "standard_title": "党员积分标准"}), "utf-8")
    page.set_input_files("#kb-sc-import", str(other))
    page.wait_for_function("document.getElementById('kb-sc-msg').textContent.includes('不能导入')")
    assert "党员积分标准" in page.text_content("#kb-sc-msg")
    assert page.errors == [] and page.blocked == []

    # the comparison view: totals are the sums of item scores, veto hits shown, sortable, CSV
    cmp = open_page(context, (site / "standards" / "zhibu-daobiao-compare.html").as_uri())
    cmp.set_input_files("#kb-cmp-files", [str(first), str(second), str(other)])
    cmp.wait_for_function("document.querySelectorAll('#kb-cmp-body tr').length === 2")
    assert "不能导入" in cmp.text_content("#kb-sc-msg")
    rows = table(cmp)
    assert [r["支部"] for r in rows] == ["平台保障党支部", "餐饮服务第一党支部"]  # by total, highest first
    for r, path in zip(rows, (second, first), strict=True):
        items = json.loads(path.read_text("utf-8"))["items"]
        aspects = [float(r[f"{a.title}（{a.points}）"]) for a in STD.aspects]
        assert float(r["总分（100）"]) == sum(aspects) == expected_score(items)
    assert rows[0]["等级"] == "一票否决" and rows[0]["否决项"] == "ZB-02"
    assert rows[1]["等级"] == "先进" and rows[1]["否决项"] == "无"
    cmp.click("#kb-cmp-head button[data-key='total']")  # ascending now
    assert [r["支部"] for r in table(cmp)] == ["餐饮服务第一党支部", "平台保障党支部"]
    cmp.click("#kb-cmp-head button[data-key='branch']")
    assert [r["支部"] for r in table(cmp)][0] in ("餐饮服务第一党支部", "平台保障党支部")

    with cmp.expect_download() as dl:
        cmp.click("#kb-cmp-csv")
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    parsed = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["支部"]: r["总分（100）"] for r in parsed} == {"平台保障党支部": "100", "餐饮服务第一党支部": "94"}
    # the same branches straight from this device's storage (one person scoring several branches)
    cmp.click("#kb-cmp-clear")
    assert cmp.locator("#kb-cmp-body tr").count() == 0
    cmp.click("#kb-cmp-local")
    assert {r["支部"]: r["总分（100）"] for r in table(cmp)} == {"平台保障党支部": "100", "餐饮服务第一党支部": "94"}
    cmp.emulate_media(media="print")
    assert cmp.locator("#kb-cmp-table").is_visible() and not cmp.locator("#kb-cmp-csv").is_visible()
    assert cmp.errors == [] and cmp.blocked == []


def table(page) -> list[dict[str, str]]:
    heads = [h.rstrip(" ▲▼") for h in page.eval_on_selector_all("#kb-cmp-head th", "hs => hs.map(h => h.textContent)")]
    cells = page.eval_on_selector_all(
        "#kb-cmp-body tr", "rs => rs.map(r => Array.from(r.children).map(c => c.textContent))"
    )
    return [dict(zip(heads, row, strict=True)) for row in cells]


def test_stored_state_of_the_wrong_shape_is_validated(site, context):
    url = (site / "standards" / "zhibu-daobiao.html").as_uri()
    page = open_page(context, url)
    hostile = {
        "version": 1,
        "current": "constructor",
        "branches": [
            {
                "branch": "<img src=x onerror=alert(1)>",
                "items": {
                    "__proto__": {"evidence": [0]},
                    "ZB-01": {
                        "deductions": [99, "a", 0, 0],
                        "score": 1000,
                        "evidence": [0, 7],
                        "note": 5,
                        "veto": True,
                    },
                    "ZB-02": {"deductions": [0], "evidence": [1], "veto": "yes"},
                },
            },
            "junk",
            {"branch": ""},
        ],
    }
    page.evaluate("s => localStorage.setItem('dangjian-kb:selfcheck:zhibu-daobiao', s)", json.dumps(hostile))
    page.reload()
    assert page.eval_on_selector_all("#kb-sc-branch option", "os => os.map(o => o.textContent)") == [
        "<img src=x onerror=alert(1)>"
    ]
    assert page.locator("img[src=x]").count() == 0
    # ZB-01: deduction 0 (−3) once, the out-of-range score ignored → 3; ZB-02: −3 → 5; veto only on veto items
    assert page.text_content("#ZB-01 [data-kb-score]") == "3"
    assert page.text_content("#ZB-02 [data-kb-score]") == "5"
    assert page.text_content("#kb-sc-total") == "8"
    assert page.text_content("#kb-sc-level") == "未达标"
    page.evaluate("localStorage.setItem('dangjian-kb:selfcheck:zhibu-daobiao', '[1,2')")
    page.reload()
    assert "格式不对" in page.text_content("#kb-sc-msg")
    assert page.text_content("#kb-sc-total") == "0"
    assert page.errors == []


def test_phone_tap_targets(site, chrome):
    ctx = chrome.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto((site / "standards" / "zhibu-daobiao.html").as_uri())
        heights = page.eval_on_selector_all(".kb-tap, .kb-btn", "els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 44
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone
        page.tap(f"#{STD.items[0].id} [data-kb-ev='0']")
        assert page.text_content(f"#{STD.items[0].id} [data-kb-score]") == str(STD.items[0].points)
    finally:
        ctx.close()
