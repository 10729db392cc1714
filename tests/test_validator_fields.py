"""Front-matter fields: required fields, types, ids, taxonomy, enumerations, dates, unknown fields."""

from __future__ import annotations

import datetime as dt

import pytest

# -- required fields ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "category", "source"])
def test_problem_required_field_missing(kb, field):
    rel = kb.problem(**{field: None})
    f = kb.one("KB012")
    assert (f.path, f.line) == (rel, 1)
    assert f"'{field}'" in f.message and f"'{field}: …'" in f.message


def test_missing_source_lists_the_allowed_values(kb):
    kb.problem(source=None)
    assert "反馈、巡视检查、日常运行" in kb.one("KB012").message


@pytest.mark.parametrize("field", ["title", "category", "unit", "date", "kind"])
def test_case_required_field_missing(kb, field):
    rel = kb.case(**{field: None})
    f = kb.one("KB012")
    assert f.path == rel and f"'{field}'" in f.message


def test_missing_id_names_the_pattern(kb):
    kb.problem(id=None, name="P-0001-示例.md")
    f = kb.one("KB012")
    assert "'id'" in f.message and "P-0012" in f.message
    assert kb.check().entries == []


def test_blank_required_value_counts_as_missing(kb):
    kb.problem(title='""', category="")
    assert sorted(f.message.split("'")[1] for f in kb.findings("KB012")) == ["category", "title"]


def test_handbook_section_requires_reviewed(kb):
    kb.chapter()
    rel = kb.section(reviewed=None)
    f = kb.one("KB012")
    assert (f.path, f.line) == (rel, 1)
    assert "'reviewed'" in f.message and "YYYY-MM-DD" in f.message


def test_handbook_chapter_needs_neither_category_nor_reviewed(kb):
    kb.chapter(category=None)
    assert kb.check().findings == []


# -- types --------------------------------------------------------------------------------------


def test_tags_as_a_string_suggests_a_list(kb):
    rel = kb.problem(tags="党费，催缴")
    f = kb.one("KB013")
    assert f.line == kb.line(rel, "tags:")
    assert "'tags' 应为列表" in f.message and "'tags: [党费, 催缴]'" in f.message


def test_related_as_a_string_suggests_a_list(kb):
    kb.problem("P-0002")
    rel = kb.problem(related="P-0002")
    f = kb.one("KB013")
    assert f.line == kb.line(rel, "related:")
    assert "'related' 应为列表" in f.message and "'related: [P-0002]'" in f.message


def test_tags_with_a_nested_mapping_is_a_type_error(kb):
    kb.problem(tags="[党费, {a: b}]")
    assert "文字列表" in kb.one("KB013").message


def test_title_as_a_list_is_reported(kb):
    rel = kb.problem(title="[党费, 催缴]")
    f = kb.one("KB030")
    assert f.line == kb.line(rel, "title:") and "一行文字" in f.message


def test_multi_line_title_is_reported(kb):
    rel = kb.problem(title="|\n  党费\n  逾期")
    f = kb.one("KB030")
    assert f.line == kb.line(rel, "title:") and "只能写一行" in f.message


def test_numeric_title_is_accepted_as_text(kb):
    kb.problem(title="2024")
    assert kb.check().entries[0].title == "2024"


def test_numeric_id_is_a_type_error(kb):
    kb.problem(id="12", name="P-0012-示例.md")
    f = kb.one("KB013")
    assert "'id' 应为文字" in f.message and "P-0012" in f.message


@pytest.mark.parametrize("months", ["半年", "0", "-3", "99999", "true"])
def test_review_months_must_be_a_number_of_months(kb, months):
    kb.chapter()
    rel = kb.section(review_months=months)
    f = kb.one("KB013")
    assert f.line == kb.line(rel, "review_months:")
    assert "'review_months'" in f.message and "review_months: 12" in f.message


# -- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "good"),
    [("P-12", "P-0012"), ("p-0012", "P-0012"), ("P0012", "P-0012"), ("P－0012", "P-0012"), ("P_12", "P-0012")],
)
def test_bad_problem_id_suggests_the_right_spelling(kb, bad, good):
    rel = kb.problem(id=bad, name="P-0012-示例.md")
    f = kb.one("KB014")
    assert f.line == kb.line(rel, "id:")
    assert f"编号 '{bad}'" in f.message and f"是否想写 '{good}'" in f.message


def test_bad_handbook_id_suggests_the_right_spelling(kb):
    kb.chapter("HB-2")
    kb.section(id="hb-2.3", name="HB-2.3.md")
    assert "是否想写 'HB-2.3'" in kb.one("KB014").message


def test_unrecognisable_id_shows_the_pattern(kb):
    kb.problem(id="党费问题", name="P-0001-示例.md")
    f = kb.one("KB014")
    assert "'党费问题'" in f.message and "至少 4 位数字" in f.message


def test_id_in_the_wrong_folder_says_where_it_belongs(kb):
    rel = kb.problem(id="C-0001", name="C-0001-示例.md")
    f = kb.one("KB014")
    assert f.path == rel
    assert "案例集" in f.message and "cases/" in f.message


def test_id_and_file_name_must_agree(kb):
    rel = kb.problem(id="P-0002", name="P-0001-党费.md")
    f = kb.one("KB015")
    assert (f.path, f.line) == (rel, kb.line(rel, "id:"))
    assert "'P-0002'" in f.message and "'P-0001-党费.md'" in f.message and "'P-0002-简短标题.md'" in f.message


def test_file_name_with_a_longer_number_does_not_match(kb):
    kb.problem(id="P-0001", name="P-00012-示例.md")
    assert kb.one("KB015")


def test_file_name_equal_to_the_id_is_fine(kb):
    kb.problem(name="P-0001.md")
    assert kb.check().findings == []


# -- taxonomy -----------------------------------------------------------------------------------


def test_unknown_category_suggests_the_closest(kb):
    rel = kb.problem(category="组织建", topic=None)
    f = kb.one("KB017")
    assert f.line == kb.line(rel, "category:")
    assert "未知分类 '组织建'" in f.message and "是否想写 '组织建设'" in f.message


def test_unknown_category_without_a_close_one_lists_them(kb):
    kb.problem(category="财务", topic=None)
    f = kb.one("KB017")
    assert "组织建设、制度建设、队伍建设、活动开展、基础保障" in f.message


def test_topic_in_the_wrong_category(kb):
    rel = kb.problem(category="组织建设", topic="党费管理")
    f = kb.one("KB018")
    assert f.line == kb.line(rel, "topic:")
    assert "'党费管理' 不属于分类 '组织建设'" in f.message and "'制度建设'" in f.message


def test_topic_given_as_category(kb):
    kb.problem(category="党费管理", topic=None)
    f = kb.one("KB017")
    assert "'制度建设'" in f.message and "'category: 制度建设'" in f.message and "'topic: 党费管理'" in f.message


def test_unknown_topic_suggests_one_of_the_category(kb):
    kb.problem(topic="党费")
    f = kb.one("KB018")
    assert "是否想写 '党费管理'" in f.message


def test_taxonomy_file_in_the_root_replaces_the_default(kb):
    kb.write("taxonomy.yml", "categories:\n  - name: 财务\n    topics: [报销]\n")
    kb.problem(category="财务", topic="报销")
    kb.case()
    f = kb.one("KB017")
    assert f.path.startswith("cases/") and "'制度建设'" in f.message


# -- enumerations -------------------------------------------------------------------------------


def test_problem_source_suggests_the_closest(kb):
    rel = kb.problem(source="巡视")
    f = kb.one("KB019")
    assert f.line == kb.line(rel, "source:")
    assert "'source' 的值 '巡视' 无效" in f.message and "是否想写 '巡视检查'" in f.message


def test_case_kind_suggests_the_closest(kb):
    rel = kb.case(kind="成功")
    f = kb.one("KB019")
    assert f.line == kb.line(rel, "kind:")
    assert "'kind' 的值 '成功' 无效" in f.message and "是否想写 '成功经验'" in f.message


# -- dates --------------------------------------------------------------------------------------


def test_chinese_case_date_suggests_a_month(kb):
    rel = kb.case(date="2024年5月")
    f = kb.one("KB020")
    assert f.line == kb.line(rel, "date:")
    assert "'date: 2024年5月'" in f.message and "是否想写 '2024-05'" in f.message


def test_chinese_updated_date_suggests_a_day(kb):
    rel = kb.problem(updated="2024年5月")
    f = kb.one("KB020")
    assert f.line == kb.line(rel, "updated:")
    assert "YYYY-MM-DD" in f.message and "是否想写 '2024-05-01'" in f.message


@pytest.mark.parametrize(
    ("typed", "fix"), [("2024/5/8", "2024-05-08"), ("2024.05.08", "2024-05-08"), ("2024年5月8日", "2024-05-08")]
)
def test_loose_day_suggests_the_iso_form(kb, typed, fix):
    kb.problem(updated=typed)
    assert f"是否想写 '{fix}'" in kb.one("KB020").message


def test_date_that_does_not_exist(kb):
    rel = kb.problem(updated="2024-02-30")
    f = kb.one("KB020")
    assert f.line == kb.line(rel, "updated:")
    assert "'updated: 2024-02-30'" in f.message and "不存在" in f.message
    assert "是否想写 '2024-02-30'" not in f.message  # never suggest the same invalid date


def test_case_month_that_does_not_exist(kb):
    kb.case(date="2024-13")
    f = kb.one("KB020")
    assert "'date: 2024-13'" in f.message and "不存在" in f.message
    assert "是否想写" not in f.message


def test_date_without_separators_is_reported_with_the_form(kb):
    kb.problem(updated="20240508")
    f = kb.one("KB020")
    assert "YYYY-MM-DD" in f.message and "'2024-05-08'" in f.message
    assert "是否想写 'YYYY" not in f.message  # a format is not a suggestion


def test_case_date_may_be_a_day(kb):
    kb.case(date="2025-03-08")
    assert kb.check().findings == []


def test_invalid_reviewed_date(kb):
    kb.chapter()
    rel = kb.section(reviewed="2026年5月")
    f = kb.one("KB020")
    assert f.line == kb.line(rel, "reviewed:") and "是否想写 '2026-05-01'" in f.message


# -- reviews ------------------------------------------------------------------------------------


def test_review_overdue_is_a_warning_with_the_due_date(kb):
    kb.chapter()
    rel = kb.section(reviewed="2025-01-15")
    result = kb.check(today=dt.date(2026, 6, 1))
    [f] = result.findings
    assert (f.code, f.path, f.line, f.is_error) == ("KB027", rel, kb.line(rel, "reviewed:"), False)
    assert "'2025-01-15'" in f.message and "2026-01-15" in f.message and "更新 reviewed" in f.message
    assert result.errors == []


def test_review_due_today_is_not_overdue(kb):
    kb.chapter()
    kb.section(reviewed="2025-06-01")
    assert kb.check(today=dt.date(2026, 6, 1)).findings == []
    assert kb.one("KB027", today=dt.date(2026, 6, 2))


def test_review_months_changes_the_due_date(kb):
    kb.chapter()
    kb.section(reviewed="2026-01-10", review_months="3")
    assert "2026-04-10" in kb.one("KB027", today=dt.date(2026, 6, 1)).message


# -- unknown fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"), [("catgory", "category"), ("标题", "title"), ("tag", "tags"), ("来源", "source")]
)
def test_unknown_field_suggests_the_known_one(kb, typed, meant):
    rel = kb.problem(**{typed: "x"})
    f = kb.one("KB028")
    assert (f.line, f.is_error) == (kb.line(rel, f"{typed}:"), False)
    assert f"未知字段 '{typed}'" in f.message and f"是否想写 '{meant}'" in f.message


def test_unknown_field_without_a_guess_says_to_delete_it(kb):
    kb.problem(remark="备注")
    assert "请删除" in kb.one("KB028").message


def test_collection_fields_are_unknown_elsewhere(kb):
    kb.problem(kind="成功经验")
    assert "'kind'" in kb.one("KB028").message


# -- one run reports every problem ----------------------------------------------------------------


def test_five_different_mistakes_give_five_findings(kb):
    rel = kb.problem(
        category="组织建",
        topic=None,
        source="巡视",
        updated="2024年5月",
        body="## 问题描述\n\n说明。\n\n## 解决建议\n\n建议。\n",
    )
    kb.edit(rel, "title: ", "title：")
    result = kb.check()
    assert sorted((f.code, f.line) for f in result.findings) == [
        ("KB005", 3),
        ("KB017", 4),
        ("KB019", 5),
        ("KB020", 7),
        ("KB021", 9),  # 9: where the body starts
    ]
    assert all(f.path == rel for f in result.findings)


def test_category_given_as_a_mapping_or_list_is_a_type_error(kb):
    kb.problem(id="P-0001", category="{x: 1}")
    kb.problem(id="P-0002", category="[制度建设, 组织建设]")
    found = kb.findings("KB013")
    assert len(found) == 2 and all("一个分类" in f.message for f in found)
    assert kb.findings("KB017") == []
