"""Rules across entries: duplicate ids, related ids, [[ID]] and file links, chapters; the relation graph."""

from __future__ import annotations

from conftest import PROBLEM_BODY


def with_text(text: str) -> str:
    """The valid problem body with ``text`` added under 解决建议."""
    return PROBLEM_BODY.replace("并建立催缴台账。", "并建立催缴台账。\n\n" + text)


# -- duplicate ids ------------------------------------------------------------------------------


def test_duplicate_id_names_both_files(kb):
    first = kb.problem(name="P-0001-党费.md")
    second = kb.problem(name="P-0001-催缴.md", folder="旧")
    result = kb.check()
    found = [f for f in result.findings if f.code == "KB016"]
    assert {(f.path, f.line) for f in found} == {(first, 2), (second, 2)}
    by_path = {f.path: f.message for f in found}
    assert second in by_path[first] and first in by_path[second]
    assert "'P-0001' 重复" in by_path[first] and "换一个未用过的编号" in by_path[first]
    assert [e.rel for e in result.entries] == [first]  # one entry keeps the id


def test_duplicate_id_in_a_sub_folder_is_reported(kb):
    kb.problem(name="P-0001.md")
    kb.problem(folder="制度建设")
    assert len(kb.findings("KB016")) == 2


# -- related ------------------------------------------------------------------------------------


def test_related_to_a_missing_id(kb):
    rel = kb.problem(related=["P-0002"])
    f = kb.one("KB025")
    assert (f.path, f.line) == (rel, kb.line(rel, "related:"))
    assert "'P-0002' 不存在" in f.message and "先添加该条目" in f.message


def test_related_with_a_misspelt_existing_id_suggests_it(kb):
    kb.problem("P-0012")
    kb.problem(related=["P-12"])
    assert "是否想写 'P-0012'" in kb.one("KB025").message


def test_related_that_is_not_an_id(kb):
    kb.problem(related=["党费管理"])
    f = kb.one("KB025")
    assert "'党费管理' 不是有效编号" in f.message and "HB-2.3" in f.message


def test_related_across_collections_is_fine(kb):
    kb.chapter()
    kb.section()
    kb.case(related=["P-0001", "HB-1.1"])
    kb.problem(related=["C-0001", "HB-1"])
    assert kb.check().findings == []


def test_related_to_itself_is_a_warning(kb):
    rel = kb.problem(related=["P-0001"])
    result = kb.check()
    [f] = result.findings
    assert (f.code, f.path, f.line, f.is_error) == ("KB032", rel, kb.line(rel, "related:"), False)
    assert "'P-0001'" in f.message and "删除" in f.message


# -- [[ID]] links -------------------------------------------------------------------------------


def test_wikilink_to_a_missing_id(kb):
    rel = kb.problem(body=with_text("参见 [[P-9999]]。"))
    f = kb.one("KB026")
    assert (f.path, f.line) == (rel, kb.line(rel, "[[P-9999]]"))
    assert "'[[P-9999]]'" in f.message and "不存在" in f.message


def test_wikilink_with_text_to_a_missing_id(kb):
    rel = kb.problem(body=with_text("参见 [[HB-9.9|党费规定]]。"))
    f = kb.one("KB026")
    assert f.line == kb.line(rel, "[[HB-9.9|") and "'[[HB-9.9]]'" in f.message


def test_a_full_width_bar_in_a_wikilink_suggests_the_half_width_one(kb):
    kb.problem("P-0002")
    kb.problem(body=with_text("参见 [[P-0002｜另一个问题]]。"))
    assert "是否想写 '[[P-0002|另一个问题]]'？" in kb.one("KB026").message


def test_wikilinks_to_existing_ids_are_fine(kb):
    kb.chapter()
    kb.problem("P-0002")
    kb.problem(body=with_text("参见 [[HB-1]]、[[P-0002|另一个问题]]。"))
    assert kb.check().findings == []


def test_wikilink_inside_code_is_ignored(kb):
    kb.problem(body=with_text("```\n[[P-9999]]\n```\n\n写法是 `[[P-9999]]`。"))
    assert kb.check().findings == []


# -- relative file links ------------------------------------------------------------------------


def test_relative_link_to_a_missing_file(kb):
    rel = kb.problem(body=with_text("见 [党费规定](../handbook/HB-2.2.md)。"))
    f = kb.one("KB031")
    assert (f.path, f.line) == (rel, kb.line(rel, "HB-2.2.md"))
    assert "'../handbook/HB-2.2.md'" in f.message and "[[编号]]" in f.message


def test_relative_links_to_existing_files_are_fine(kb):
    kb.case()
    kb.problem("P-0002")
    kb.problem(
        body=with_text(
            "见 [另一个问题](P-0002-示例.md)、[案例](../cases/C-0001-示例.md#背景)、[网页](https://example.com/a.md)。"
        )
    )
    assert kb.check().findings == []


# -- handbook chapters --------------------------------------------------------------------------


def test_section_without_its_chapter_is_a_warning(kb):
    rel = kb.section("HB-2.3", name="HB-2.3.md")
    result = kb.check()
    [f] = result.findings
    assert (f.code, f.path, f.line, f.is_error) == ("KB035", rel, 2, False)
    assert "'HB-2'" in f.message and "handbook/HB-2.md" in f.message


def test_sub_section_needs_only_the_chapter(kb):
    kb.chapter("HB-2")
    kb.section("HB-2.3.1")
    assert kb.check().findings == []


# -- the relation graph: every relation shown on both ends ----------------------------------------


def test_a_case_listing_a_problem_is_a_neighbour_of_the_problem(kb):
    kb.problem()
    kb.case(related=["P-0001"])
    graph = kb.check().graph
    assert graph.neighbours("P-0001") == ["C-0001"]
    assert graph.neighbours("C-0001") == ["P-0001"]
    assert graph.grouped("P-0001") == {"cases": ["C-0001"]}


def test_wikilinks_and_file_links_are_relations_too(kb):
    kb.chapter()
    kb.section(body="\n## 职责\n\n见 [[P-0001]]。\n")
    kb.case()
    kb.problem(body=with_text("见 [案例](../cases/C-0001-示例.md)。"))
    graph = kb.check().graph
    assert graph.neighbours("P-0001") == ["HB-1.1", "C-0001"]
    assert graph.neighbours("HB-1.1") == ["P-0001"]


def test_missing_targets_are_not_in_the_graph(kb):
    kb.problem(related=["P-0002"], body=with_text("[[C-0009]]"))
    assert kb.check().graph.neighbours("P-0001") == []
