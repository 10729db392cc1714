"""Branch standards (standards/*.yml): each validation rule, the marker, restated figures, the
shipped standard, and the handbook table built from the data."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml

from conftest import KBBuilder
from dangjian_kb.check import validate
from dangjian_kb.model import standards as m

REPO = Path(__file__).resolve().parents[1]
STD = "standards/demo.yml"

VALID = """\
id: demo
title: 示例达标标准
total: 20
handbook: HB-1.1
verification:
  interview_min: 5
levels:
  - name: 达标
    pass: 12
  - name: 示范
    pass: 18
aspects:
  - id: DM-A
    title: 组织建设
    points: 20
    items:
      - id: DM-01
        title: 组织设置
        requirement: 党员一般不超过50人
        points: 8
        full: 设置有批复
        deductions:
          - when: 设置不符合规定
            points: 5
        evidence: [上级批复]
        related: [HB-1.1, P-0001]
      - id: DM-02
        title: 按期换届
        requirement: 按期换届
        points: 12
        full: 按期换届，材料齐全
        deductions:
          - when: 材料不全
            points: 4
        evidence: [换届请示和批复, 选举结果报告]
        veto: true
        veto_when: 逾期不换届
"""


@pytest.fixture
def std_kb(kb: KBBuilder) -> KBBuilder:
    kb.section()
    kb.chapter()
    kb.problem()
    kb.write(STD, VALID)
    return kb


def std_codes(kb: KBBuilder) -> list[str]:
    return sorted(f.code for f in kb.check().findings if f.code.startswith("KB07"))


def one(kb: KBBuilder, code: str):
    found = [f for f in kb.check().findings if f.code == code]
    assert len(found) == 1, "\n".join(map(str, kb.check().findings))
    return found[0]


def test_valid_standard_loads_with_no_findings(std_kb):
    kb = std_kb.check()
    assert kb.findings == []
    (std,) = kb.standards
    assert [i.id for i in std.items] == ["DM-01", "DM-02"]
    assert std.figures() == {
        "total": 20,
        "items": 2,
        "aspects": 1,
        "pass_marks": {"达标": 12, "示范": 18},
        "interview_min": 5,
    }
    assert [i.id for i in std.veto_items] == ["DM-02"]


def test_points_must_add_up_to_the_total(std_kb):
    std_kb.edit(STD, "total: 20", "total: 25")
    f = one(std_kb, "KB073")
    assert f.line == std_kb.line(STD, "total: 25") and "25" in f.message and "20" in f.message


def test_aspect_points_must_match_its_items(std_kb):
    std_kb.edit(STD, "    points: 20", "    points: 18")
    f = one(std_kb, "KB073")
    assert "DM-A" in f.message and "18" in f.message


def test_deduction_never_exceeds_the_item_points(std_kb):
    std_kb.edit(STD, "            points: 5", "            points: 9")
    f = one(std_kb, "KB074")
    assert f.line == std_kb.line(STD, "points: 9") and "DM-01" in f.message


def test_pass_mark_within_the_total(std_kb):
    std_kb.edit(STD, "pass: 18", "pass: 21")
    assert "超过总分" in one(std_kb, "KB075").message


def test_pass_marks_increase(std_kb):
    std_kb.edit(STD, "pass: 18", "pass: 12")
    assert "不高于上一等级" in one(std_kb, "KB075").message


def test_item_ids_unique_within_a_standard(std_kb):
    std_kb.edit(STD, "id: DM-02", "id: DM-01")
    f = one(std_kb, "KB076")
    assert "DM-01" in f.message


def test_item_ids_unique_across_standards(std_kb):
    std_kb.write("standards/other.yml", VALID.replace("id: demo", "id: other"))
    found = [f for f in std_kb.check().findings if f.code == "KB076"]
    assert found and all(f.path == "standards/other.yml" for f in found) and "standards/demo.yml" in found[0].message


@pytest.mark.parametrize("sid", ["index", "demo-compare"])
def test_an_id_that_would_overwrite_a_generated_page_is_refused(std_kb, sid):
    std_kb.write(f"standards/{sid}.yml", VALID.replace("id: demo", f"id: {sid}").replace("DM-", "IX-"))
    found = [f for f in std_kb.check().findings if f.path == f"standards/{sid}.yml" and f.code == "KB071"]
    assert len(found) == 1 and f"'{sid}'" in found[0].message and "重名" in found[0].message


def test_related_must_resolve_with_a_suggestion(std_kb):
    std_kb.edit(STD, "related: [HB-1.1, P-0001]", "related: [HB-1.1, P-0002]")
    f = one(std_kb, "KB077")
    assert "'P-0002'" in f.message and "是否想写 'P-0001'" in f.message


def test_related_resolves_against_any_id_the_knowledge_base_has(std_kb):
    # Other collections (document templates T-NNNN) are resolved by what the knowledge base loaded.
    std_kb.edit(STD, "related: [HB-1.1, P-0001]", "related: [C-0001]")
    assert "KB077" in std_codes(std_kb)
    std_kb.case()
    assert std_codes(std_kb) == []


def test_handbook_must_be_a_section(std_kb):
    std_kb.edit(STD, "handbook: HB-1.1", "handbook: HB-9.9")
    assert "HB-9.9" in one(std_kb, "KB077").message


def test_unknown_field_suggests_the_right_name(std_kb):
    std_kb.edit(STD, "        requirement: 按期换届", "        requirment: 按期换届\n        requirement: 按期换届")
    f = one(std_kb, "KB072")
    assert "是否想写 'requirement'" in f.message and f.line == std_kb.line(STD, "requirment")
    assert not f.is_error


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("        points: 8", "        points: 八", "正整数"),
        ("        points: 8", "        points: -1", "正整数"),
        ("        points: 8", "        points: true", "正整数"),
        ("        evidence: [上级批复]", "        evidence: 5", "文字列表"),
        ("        veto_when: 逾期不换届\n", "", "veto_when"),
        ("        veto: true", "        veto: 是", "true 或 false"),
        ("id: demo", "id: Demo Std", "小写字母"),
        ("id: demo", "id: other", "文件名"),
        ("      - id: DM-01", "      - id: 01", "项目编号"),
        ("title: 示例达标标准\n", "", "缺少字段 'title'"),
    ],
)
def test_field_types(std_kb, old, new, words):
    std_kb.edit(STD, old, new)
    found = [f for f in std_kb.check().findings if f.code == "KB071"]
    assert found and any(words in f.message for f in found), "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("a: &x 1\nb: *x\n", "锚点或别名"),
        ("id: demo\n\ttitle: x\n", "制表符"),
        ("id: [demo\n", "不是合法的 YAML：列表的方括号没有闭合"),
        ("- 1\n- 2\n", "不是 '字段: 值'"),
        ("", "空"),
        ("# 只有注释\n", "空"),
    ],
)
def test_unusable_files(kb, content, words):
    kb.write(STD, content)
    f = one(kb, "KB070")
    assert words in f.message


def test_gbk_file_is_named(kb):
    kb.write(STD, VALID.encode("gbk"))
    assert "UTF-8" in one(kb, "KB070").message


def test_non_yaml_file_in_the_folder(kb):
    kb.write("standards/说明.txt", "说明")
    assert "不是 YAML" in one(kb, "KB070").message


def test_symlink_leaving_the_repository_is_refused(kb, tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text(VALID, "utf-8")
    (kb.root / "standards").mkdir()
    (kb.root / "standards" / "demo.yml").symlink_to(outside)
    assert "符号链接" in one(kb, "KB070").message


def _shapes():
    """Every field of the file replaced by values of the wrong shape: findings, never a traceback."""
    bad = [None, 0, -3, 1.5, True, "文字", [], [1, "a"], {}, {"x": 1}, [[1]], "2024-01-01"]
    paths = [
        ("id",),
        ("total",),
        ("levels",),
        ("aspects",),
        ("verification",),
        ("levels", 0),
        ("levels", 0, "pass"),
        ("aspects", 0),
        ("aspects", 0, "items"),
        ("aspects", 0, "items", 0),
        ("aspects", 0, "items", 0, "points"),
        ("aspects", 0, "items", 0, "deductions"),
        ("aspects", 0, "items", 0, "deductions", 0),
        ("aspects", 0, "items", 0, "deductions", 0, "points"),
        ("aspects", 0, "items", 0, "related"),
        ("aspects", 0, "items", 0, "veto"),
        ("verification", "interview_min"),
    ]
    return list(itertools.product(paths, bad))


@pytest.mark.parametrize(("path", "value"), _shapes())
def test_no_traceback_on_any_shape(kb, path, value):
    data = yaml.safe_load(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    kb.write(STD, yaml.safe_dump(data, allow_unicode=True))
    found = kb.check().findings  # must not raise
    assert all(f.code.startswith("KB0") for f in found)


def test_deep_nesting_is_a_finding(kb):
    kb.write(STD, "id: " + "[" * 200 + "]" * 200 + "\n")
    assert one(kb, "KB070")


# -- the marker and restated figures ------------------------------------------------------------


def test_marker_naming_an_unknown_standard(std_kb):
    rel = std_kb.section("HB-1.2", body="\n## 职责\n\n见下表。\n\n<!-- dangjian-kb:standard demo-x -->\n")
    f = one(std_kb, "KB078")
    assert f.path == rel and f.line == std_kb.line(rel, "demo-x") and "是否想写 'demo'" in f.message


def test_marker_naming_a_known_standard_is_fine(std_kb):
    std_kb.section("HB-1.2", body="\n## 职责\n\n<!-- dangjian-kb:standard demo -->\n")
    assert std_codes(std_kb) == []


def test_marker_in_a_code_block_is_only_text(std_kb):
    std_kb.section("HB-1.2", body="\n## 写法\n\n```\n<!-- dangjian-kb:standard nothing -->\n```\n")
    assert std_codes(std_kb) == []


@pytest.mark.parametrize(
    ("sentence", "what"),
    [
        ("年终验收得分85分以上的为达标支部。", "达标分数线"),
        ("达标线为 85 分，示范另议。", "达标分数线"),
        ("验收时随机访谈3至5名党员。", "验收访谈人数"),
        ("对照自查清单，从7个方面36条逐条自查。", "方面数"),
        ("达标标准共10项。", "项目数"),
    ],
)
def test_restated_figure_that_differs_is_reported(std_kb, sentence, what):
    rel = std_kb.problem(
        body=f"\n## 问题描述\n\n{sentence}\n\n## 解决建议\n\n见手册。\n\n## 实施步骤\n\n1. 对照标准。\n"
    )
    found = [f for f in std_kb.check().findings if f.code == "KB079"]
    assert found and found[0].path == rel and any(what in f.message for f in found), "\n".join(map(str, found))


@pytest.mark.parametrize(
    "sentence",
    [
        "年终验收得分12分以上的为达标支部。",  # the standard's own figure
        "验收时随机访谈不少于 5 名党员。",
        "自查问题由14项降到2项。",  # a count of problems, not of the standard
        "台账清单建议保留以下10项。",
        "党员每年集中学习培训一般不少于32学时。",
    ],
)
def test_figures_that_agree_or_are_not_the_standards_pass(std_kb, sentence):
    std_kb.problem(body=f"\n## 问题描述\n\n{sentence}\n\n## 解决建议\n\n见手册。\n\n## 实施步骤\n\n1. 对照标准。\n")
    assert "KB079" not in std_codes(std_kb)


# -- the shipped knowledge base -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return validate.load(REPO, REPO / "taxonomy.yml")


def test_shipped_standard_is_clean_and_complete(shipped):
    assert [f for f in shipped.findings if f.code.startswith("KB07")] == []
    (std,) = shipped.standards
    assert std.id == "zhibu-daobiao" and std.handbook == "HB-2.5"
    assert sum(i.points for i in std.items) == std.total == 100
    for item in std.items:
        assert item.full and item.deductions and item.evidence and item.related, item.id
        assert all(0 < d.points <= item.points for d in item.deductions), item.id
    assert [lv.name for lv in std.levels] == ["达标", "先进", "示范"]
    # the handbook's veto rules are veto items: term, organization life, recruitment, dues
    assert {i.id for i in std.veto_items} == {"ZB-02", "ZB-04", "ZB-08", "ZB-11"}


def test_no_shipped_entry_restates_a_figure_differently(shipped):
    """The pass mark, item count and interview rule live in the standard only."""
    assert [str(f) for f in shipped.findings if f.code == "KB079"] == []


def test_the_handbook_section_embeds_the_standard_and_restates_no_figure(shipped):
    hb = shipped.by_id["HB-2.5"]
    assert m.MARKER_TEXT.format(id="zhibu-daobiao") in hb.body
    std = shipped.standards[0]
    for lv in std.levels:
        assert f"{lv.pass_mark}分" not in hb.body.replace(" ", ""), lv.name
    assert "访谈3" not in hb.body and "每项10分" not in hb.body


def test_restating_check_catches_the_old_texts(shipped, tmp_path):
    """The figures the entries disagreed on before (85 vs 80, 3–5 vs 5, 7 aspects 36 items) are caught."""
    from dangjian_kb.check.standards import _figures_in

    std = shipped.standards[0]
    old = ["只有 9 个达到 85 分的达标线", "随机访谈3至5名党员", "从组织设置、组织生活等7个方面36条逐条自查"]
    assert all(_figures_in(s, std) for s in old)


# -- the site: the handbook table comes from the data ---------------------------------------------


def test_handbook_section_shows_the_standard_from_the_data(std_kb):
    from test_site import build, built, configure

    std_kb.edit(STD, "title: 示例达标标准", "title: 示例<达标>标准")
    std_kb.section(
        "HB-1.2",
        title="达标升级",
        body="\n## 工作流程\n\n按下表自查。\n\n<!-- dangjian-kb:standard demo -->\n\n## 注意事项\n\n无。\n",
    )
    configure(std_kb)
    site = built(build(std_kb.root))
    page = site.page("handbook/HB-1.2.html")
    table = page.select_one(".kb-std")
    assert table is not None and "dangjian-kb:standard" not in str(page)
    rows = {tr["id"]: tr for tr in table.select("tr[id]")}
    assert list(rows) == ["DM-01", "DM-02"]
    assert "逾期不换届" in rows["DM-02"].get_text() and "一票否决" in rows["DM-02"].get_text()
    assert "设置不符合规定，扣 5 分" in rows["DM-01"].get_text()
    assert [a["href"] for a in rows["DM-01"].select("a")] == ["HB-1.1.html", "../problems/P-0001.html"]
    levels = [tr.get_text(" ", strip=True) for tr in table.select(".kb-std__levels tbody tr")]
    assert levels == ["达标 12 分以上", "示范 18 分以上"]
    # the same data feeds the self-check page; titles are escaped, the JSON cannot close its script
    check = site.page("standards/demo.html")
    assert check.select_one("h1").get_text() == "示例<达标>标准·自查"
    data = json.loads(check.select_one("#kb-standard-data").string)
    assert data["title"] == "示例<达标>标准" and "<" not in check.select_one("#kb-standard-data").string
    assert [i["id"] for a in data["aspects"] for i in a["items"]] == ["DM-01", "DM-02"]
    assert site.exists("standards/demo-compare.html") and site.exists("assets/dangjian_kb/selfcheck.js")
    assert site.page("print.html").select_one(".kb-std tr#DM-02") is not None


def test_build_fails_on_a_marker_naming_an_unknown_standard(std_kb):
    from test_site import build, configure

    std_kb.section("HB-1.2", title="达标升级", body="\n## 工作流程\n\n<!-- dangjian-kb:standard nope -->\n")
    configure(std_kb)
    site = build(std_kb.root)
    assert site.returncode != 0 and "KB078" in site.output


def test_item_id_cited_in_prose_must_exist(std_kb):
    rel = std_kb.problem(
        body="\n## 问题描述\n\n对照 DM-01 和 DM-07 扣分，另见 GB-50016。\n\n## 解决建议\n\n见手册。\n\n## 实施步骤\n\n1. 对照标准。\n"
    )
    f = one(std_kb, "KB078")
    assert f.path == rel and "'DM-07'" in f.message and "是否想写 'DM-0" in f.message
