"""The register of regulations (regulations.yml): validation, resolution of ``basis:`` and
``[[依据:…]]``, and what a revised regulation flags (findings, review page, 制度依据 page)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import TODAY, KBBuilder
from dangjian_kb.check import register
from dangjian_kb.model import rendering
from dangjian_kb.model.regulations import ARTICLE
from dangjian_kb.site import basis_view
from dangjian_kb.site.views import Views

MESSAGE = re.compile(r"^[^:]+(?::\d+)?: KB05\d \S.*。.+")
REGISTER = """regulations:
  - id: dangzhang
    title: 中国共产党章程
    issuer: 中国共产党第二十次全国代表大会
    date: 2022-10-22
    status: 现行
  - id: zhibu-tiaoli-2018
    title: 中国共产党支部工作条例（试行）
    issuer: 中共中央
    date: 2018-10
    status: 现行
  - id: dangfei-guiding-2008
    title: 关于中国共产党党费收缴、使用和管理的规定
    number: 组通字〔2008〕3号
    issuer: 中共中央组织部
    date: 2008-02
    status: 现行
    level: 规范性文件
  - id: dangfei-guiding-2030
    title: 党费收缴使用管理规定（假设的新版）
    issuer: 中共中央组织部
    date: 2030-01
    status: 现行
    level: 规范性文件
"""


def write_register(kb: KBBuilder, text: str = REGISTER) -> str:
    return kb.write("regulations.yml", text)


def register_findings(kb: KBBuilder, text: str) -> list:
    write_register(kb, text)
    _, findings = register.load(kb.root / "regulations.yml", "regulations.yml")
    return findings


def one(findings: list, code: str):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, "\n".join(map(str, findings))
    assert MESSAGE.match(str(found[0])), str(found[0])
    return found[0]


# -- the register itself -----------------------------------------------------------------------
def test_the_shipped_register_is_clean_and_holds_the_units_thirteen_rules():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "regulations.yml"
    regs, findings = register.load(path, "regulations.yml")
    assert findings == []
    unit = [r for r in regs.regulations if r.level == "本单位制度"]
    assert len(unit) == 13 and all(r.is_current for r in unit)
    assert {r.id for r in regs.regulations if not r.is_current} == {"xuanju-zanxing-1990", "jilv-chufen-2018"}


def test_an_unknown_field_is_a_warning_with_the_field_meant(kb):
    f = one(register_findings(kb, REGISTER.replace("    number: 组通字", "    文号: 组通字")), "KB052")
    assert f.line == 14 and "'文号'" in f.message and "是否想写 'number'" in f.message
    f = one(register_findings(kb, REGISTER.replace("    issuer: 中共中央\n", "    isuser: 中共中央\n", 1)), "KB052")
    assert "是否想写 'issuer'" in f.message


def test_a_duplicate_id_names_the_first_line(kb):
    text = (
        REGISTER
        + "  - id: dangzhang\n    title: 中国共产党章程（另一份）\n    issuer: 某\n    date: 2022-10\n    status: 现行\n"
    )
    f = one(register_findings(kb, text), "KB051")
    assert f.line == 25 and "'dangzhang' 重复" in f.message and "第 2 行" in f.message


def test_superseded_by_must_name_a_registered_regulation(kb):
    text = REGISTER.replace(
        "    date: 2008-02\n    status: 现行",
        "    date: 2008-02\n    status: 已修订\n    superseded_by: dangfei-guiding-203",
    )
    f = one(register_findings(kb, text), "KB051")
    assert "'dangfei-guiding-203' 不在登记表中" in f.message and "是否想写 'dangfei-guiding-2030'" in f.message


def chained(last_status: str = "现行", last_successor: str = "") -> str:
    """2008 revised by 2030, 2030 revised by a third document."""
    tail = f"    status: {last_status}\n" + (f"    superseded_by: {last_successor}\n" if last_successor else "")
    return (
        REGISTER.replace(
            "    date: 2008-02\n    status: 现行",
            "    date: 2008-02\n    status: 已修订\n    superseded_by: dangfei-guiding-2030",
        ).replace(
            "    date: 2030-01\n    status: 现行\n",
            "    date: 2030-01\n    status: 已修订\n    superseded_by: dangfei-2040\n",
        )
        + "  - id: dangfei-2040\n    title: 党费规定第三版\n    issuer: 中共中央组织部\n    date: 2040-01\n"
        + tail
    )


def test_a_basis_revised_twice_points_to_the_document_in_force(kb):
    write_register(kb, chained())
    path = kb.section(basis=["dangfei-guiding-2008"])
    f = kb.one("KB054")
    assert f.line == kb.line(path, "basis:")
    assert "《党费规定第三版》" in f.message and "改为 'dangfei-2040'" in f.message


def test_a_revision_loop_is_an_error_naming_the_loop(kb):
    findings = register_findings(kb, chained("已修订", "dangfei-guiding-2008"))
    f = one(findings, "KB051")
    assert "循环" in f.message and "'dangfei-2040'" in f.message and "'dangfei-guiding-2008'" in f.message
    write_register(kb, chained("已修订", "dangfei-guiding-2008"))
    kb.section(basis=["dangfei-guiding-2008"])
    assert "现行文件为" not in kb.one("KB054").message  # no successor is named from a loop


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status: 现行\n  - id: zhibu", "status: 现形\n  - id: zhibu", "是否想写 '现行'"),
        ("date: 2018-10\n", "date: 2018年10月\n", "是否想写 '2018-10'"),
        ("date: 2018-10\n", "date: 2018-13\n", "格式为 YYYY-MM-DD 或 YYYY-MM"),
        (
            "level: 规范性文件\n  - id: dangfei-guiding-2030",
            "level: 部门文件\n  - id: dangfei-guiding-2030",
            "是否想写 '规范性文件'",
        ),
        ("  - id: zhibu-tiaoli-2018", "  - id: Zhibu Tiaoli 2018", "是否想写 'zhibu-tiaoli-2018'"),
        ("    status: 现行\n  - id: zhibu", "    status: 已修订\n  - id: zhibu", "没有写修订后的文件"),
        (
            "    status: 现行\n  - id: zhibu",
            "    status: 现行\n    superseded_by: zhibu-tiaoli-2018\n  - id: zhibu",
            "却写了",
        ),
        ("    issuer: 中共中央\n", "", "缺少必填字段 'issuer'"),
    ],
)
def test_field_values_are_checked(kb, old, new, expected):
    assert old in REGISTER
    f = one(register_findings(kb, REGISTER.replace(old, new, 1)), "KB051")
    assert expected in f.message, f.message


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("regulations:\n  - &a\n    id: x\n  - *a\n", 2, "锚点或别名"),
        ("regulations:\n  - id: [\n", 0, "不是合法的 YAML"),
        ("- id: dangzhang\n", 1, "应以 'regulations:' 开头"),
        ("regulations:\n\t- id: x\n", 2, "制表符"),
        ("regulations: 党章\n", 1, "应为列表"),
    ],
)
def test_an_unusable_file_is_one_finding_never_a_traceback(kb, text, line, expected):
    findings = register_findings(kb, text)
    f = one(findings, "KB050")
    assert expected in f.message and (line == 0 or f.line == line)


def test_values_stay_the_strings_typed(kb):
    regs, _ = register.load(kb.root / write_register(kb, REGISTER), "regulations.yml")
    assert regs.by_id["dangzhang"].date == "2022-10-22"  # not a datetime.date


def test_articles_as_a_secretary_writes_them():
    for good in ("第八条", "第六章", "第二十四条", "第八条第二款", "第二十九条第一款第（三）项", "第7条"):
        assert ARTICLE.fullmatch(good), good
    for bad in ("8", "第八", "八条", "第八条；第九条"):
        assert not ARTICLE.fullmatch(bad), bad


# -- citations ---------------------------------------------------------------------------------
def test_ids_articles_and_exact_titles_resolve(kb):
    write_register(kb)
    kb.chapter()
    kb.section(basis=["dangzhang#第七条", "《关于中国共产党党费收缴、使用和管理的规定》", "zhibu-tiaoli-2018"])
    kb.problem(body=kb_body("[[依据:zhibu-tiaoli-2018#第六章]] 和 [[依据:dangzhang|党章]]"))
    result = kb.check()
    assert result.findings == []
    cites = result.citations.by_entry
    assert [c.key for c in cites["HB-1.1"]] == ["dangzhang#第七条", "dangfei-guiding-2008", "zhibu-tiaoli-2018"]
    assert [(c.key, c.in_body) for c in cites["P-0001"]] == [("zhibu-tiaoli-2018#第六章", True), ("dangzhang", True)]
    assert result.citations.by_regulation["dangzhang"] == [("HB-1.1", "第七条"), ("P-0001", "")]


def kb_body(extra: str) -> str:
    from conftest import PROBLEM_BODY

    return PROBLEM_BODY + f"\n## 依据\n\n{extra}\n"


def test_an_unknown_basis_is_an_error_with_the_id_meant(kb):
    write_register(kb)
    path = kb.section(basis=["zhibu-tiaoli-2019"])
    f = kb.one("KB053")
    assert f.line == kb.line(path, "basis:") and "是否想写 'zhibu-tiaoli-2018'" in f.message
    assert MESSAGE.match(str(f))


def test_a_title_written_slightly_off_suggests_the_id(kb):
    write_register(kb)
    kb.section(basis=["《中国共产党支部工作条例》"])
    assert "是否想写 'zhibu-tiaoli-2018'" in kb.one("KB053").message


def test_an_unknown_citation_in_the_body_has_its_line(kb):
    write_register(kb)
    path = kb.problem(body=kb_body("见 [[依据:dangzhan#第九条]]。"))
    f = kb.one("KB053")
    assert f.line == kb.line(path, "[[依据:") and "是否想写 'dangzhang'" in f.message
    assert "KB026" not in kb.codes()  # a citation is not an [[ID]] link


def test_a_malformed_article_is_an_error(kb):
    write_register(kb)
    kb.section(basis=["dangzhang#9"])
    assert "'9'" in kb.one("KB055").message


def test_without_a_register_basis_stays_free_text_but_citations_need_one(kb):
    kb.chapter()
    kb.section(basis=["《某文件》"])
    assert kb.check().findings == []
    kb.problem(body=kb_body("[[依据:dangzhang]]"))
    assert "regulations.yml" in kb.one("KB053").message


def test_a_broken_register_is_reported_once_not_per_citation(kb):
    write_register(kb, "regulations:\n  - id: [\n")
    kb.chapter()
    kb.section(basis=["dangzhang", "zhibu-tiaoli-2018"])
    assert kb.codes() == ["KB050"]
    write_register(kb, REGISTER.replace("    date: 2022-10-22\n", "    date: 2022年\n"))
    assert kb.codes() == ["KB051"]  # the section citing 'dangzhang' is not reported as well


def test_a_wrong_type_is_reported_on_any_collection(kb):
    write_register(kb)
    kb.case(basis="dangzhang")
    assert "'basis' 应为列表" in kb.one("KB013").message


# -- a revised regulation flags exactly the entries citing it ----------------------------------
REVISED = REGISTER.replace(
    "    number: 组通字〔2008〕3号\n    issuer: 中共中央组织部\n    date: 2008-02\n    status: 现行",
    "    number: 组通字〔2008〕3号\n    issuer: 中共中央组织部\n    date: 2008-02\n    status: 已修订\n    superseded_by: dangfei-guiding-2030",
)


OTHER_BODY = """
## 问题描述

某海上平台党支部正式党员只有 6 人，却按 7 人以上的规定设了支委会。

## 解决建议

对照 [[依据:zhibu-tiaoli-2018#第六章]]，正式党员不足 7 人的只设书记。

## 实施步骤

1. 支部书记向上级党委报告人数变化。
2. 上级党委批复调整设置。
"""


@pytest.fixture
def citing(kb: KBBuilder) -> KBBuilder:
    kb.chapter()
    kb.section("HB-1.1", basis=["dangfei-guiding-2008", "dangzhang"])
    kb.section(
        "HB-1.2", basis=["dangzhang#第七条", "dangzhang#第九条"], body="\n## 职责\n\n见 [[依据:dangzhang#第七条]]。\n"
    )
    kb.problem("P-0001", body=kb_body("按 [[依据:dangfei-guiding-2008#第三条]] 交纳。"))
    kb.problem("P-0002", title="支委会人数", body=OTHER_BODY)
    kb.case("C-0001", basis=["《关于中国共产党党费收缴、使用和管理的规定》"])
    return kb


def test_all_current_nothing_is_flagged(citing):
    write_register(citing)
    assert citing.check().findings == []


def test_marking_one_regulation_revised_flags_exactly_the_entries_citing_it(citing):
    write_register(citing, REVISED)
    result = citing.check()
    flagged = sorted({f.path.split("/")[1].split("-示例")[0].removesuffix(".md") for f in result.findings})
    assert flagged == ["C-0001", "HB-1.1", "P-0001"]
    assert {f.code for f in result.findings} == {"KB054"}
    for f in result.findings:
        assert (
            "已修订" in f.message
            and "'dangfei-guiding-2030'" in f.message
            and "《党费收缴使用管理规定（假设的新版）》" in f.message
        )
    review = page(result, "review.html")
    assert [tr["data-entry-id"] for tr in review.select("#superseded ~ table tr[data-entry-id]")] == [
        "HB-1.1",
        "P-0001",
        "C-0001",
    ]


def test_a_repealed_regulation_without_successor_says_so(citing):
    write_register(
        citing, REGISTER.replace("    date: 2018-10\n    status: 现行", "    date: 2018-10\n    status: 已废止")
    )
    f = citing.one("KB054")
    assert f.path.startswith("problems/P-0002") and "已废止" in f.message and "删除或更换" in f.message


# -- what a reader sees ------------------------------------------------------------------------
def page(result, url: str) -> BeautifulSoup:
    views = Views(result, TODAY)
    html = next(p.html for p in views.pages() if p.url == url)
    return BeautifulSoup(html, "html.parser")


def test_the_basis_page_lists_each_regulation_with_status_and_citing_entries(citing):
    write_register(citing, REVISED)
    soup = page(citing.check(), "basis.html")
    old = soup.select_one("#reg-dangfei-guiding-2008")
    assert old["data-status"] == "已修订" and "组通字〔2008〕3号" in old.get_text()
    assert old.select_one("a[href='#reg-dangfei-guiding-2030']") is not None
    assert [li["data-entry-id"] for li in old.select("li[data-entry-id]")] == ["HB-1.1", "P-0001", "C-0001"]
    assert "第三条" in old.select_one("li[data-entry-id='P-0001']").get_text()
    assert [li["data-entry-id"] for li in soup.select("#reg-dangzhang li")] == ["HB-1.1", "HB-1.2"]
    assert soup.select_one("#reg-dangzhang li[data-entry-id='HB-1.2'] .kb-muted").get_text() == "第七条、第九条"
    assert "暂无条目引用" in soup.select_one("#reg-dangfei-guiding-2030").get_text()


def test_the_card_shows_each_basis_with_its_status_and_link(citing):
    write_register(citing, REVISED)
    result = citing.check()
    card = BeautifulSoup(Views(result, TODAY).card(result.by_id["HB-1.1"]), "html.parser")
    items = card.select("ul.kb-basis li")
    assert [li["data-status"] for li in items] == ["已修订", "现行"]
    assert items[0].a["href"] == "../basis.html#reg-dangfei-guiding-2008"
    assert "现行为《党费收缴使用管理规定（假设的新版）》" in items[0].get_text()


def test_an_in_text_citation_renders_as_a_link_to_the_regulation(citing):
    write_register(citing)
    result = citing.check()
    entry = result.by_id["P-0001"]
    render = rendering.renderer(
        context=rendering.LinkContext(here=entry.url, cite=basis_view.citer(result.regulations))
    )
    html = render(entry.body)
    link = BeautifulSoup(html, "html.parser").select_one("a.kb-cite")
    assert link["href"] == "../basis.html#reg-dangfei-guiding-2008"
    assert link.get_text() == "《关于中国共产党党费收缴、使用和管理的规定》第三条"


def test_content_from_the_register_is_escaped(kb):
    write_register(kb, REGISTER.replace("title: 中国共产党章程", "title: <script>alert(1)</script>"))
    kb.section(basis=["dangzhang"])
    result = kb.check()
    soup = page(result, "basis.html")
    assert soup.find("script") is None and "<script>alert(1)</script>" in soup.get_text()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null\n",
        "regulations: [1, 2]\n",
        "regulations:\n  - id: 5\n    title: 6\n",
        "regulations:\n  - {id: {a: 1}, title: [x]}\n",
        "regulations:\n  - id: a\n    id: b\n",
        "regulations:\n  - id: x\n    title: t\n    issuer: i\n    date: 2020-01\n    status: 已修订\n    superseded_by: x\n",
        "regulations:\n  - !!python/object:os.system x\n",
        "\ufeffregulations:\n  - id: ok\n",
        "regulations:\n  - id: \x85\n",
    ],
)
def test_odd_registers_give_findings_not_tracebacks(kb, text):
    findings = register_findings(kb, text)
    assert findings and all(MESSAGE.match(str(f)) for f in findings), "\n".join(map(str, findings))
    kb.chapter()
    kb.section(basis=["x"])
    kb.check()  # the whole load survives too
