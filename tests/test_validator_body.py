"""Body rules: required headings (present, in order, non-empty), numbered steps, unsafe HTML."""

from __future__ import annotations

import pytest

from conftest import CASE_BODY, PROBLEM_BODY


def without(body: str, heading: str) -> str:
    """``body`` with the level-2 section ``heading`` (and its content) removed."""
    parts = body.split("\n## ")
    return "\n## ".join(p for p in parts if not p.startswith(heading + "\n"))


# -- required headings --------------------------------------------------------------------------


@pytest.mark.parametrize("heading", ["问题描述", "解决建议", "实施步骤"])
def test_problem_heading_missing(kb, heading):
    rel = kb.problem(body=without(PROBLEM_BODY, heading))
    f = kb.one("KB021")
    assert f.path == rel
    assert f"缺少必需的二级标题 '## {heading}'" in f.message and "添加" in f.message


@pytest.mark.parametrize("heading", ["背景", "实施过程", "取得成效", "关键因素"])
def test_case_heading_missing(kb, heading):
    kb.case(body=without(CASE_BODY, heading))
    assert f"'## {heading}'" in kb.one("KB021").message


def test_case_may_add_lessons_and_other_headings(kb):
    kb.case(body="## 概述\n\n一段话。\n" + CASE_BODY + "\n## 借鉴要点\n\n先试点再推开。\n\n## 附录\n\n表格。\n")
    assert kb.check().findings == []


def test_heading_at_the_wrong_level(kb):
    rel = kb.problem(body=PROBLEM_BODY.replace("## 问题描述", "### 问题描述"))
    f = kb.one("KB021")
    assert f.line == kb.line(rel, "### 问题描述")
    assert "找到的是 '### 问题描述'" in f.message and "请改为 '## 问题描述'" in f.message


def test_heading_as_bold_text(kb):
    rel = kb.problem(body=PROBLEM_BODY.replace("## 解决建议", "**解决建议**"))
    f = kb.one("KB021")
    assert f.line == kb.line(rel, "**解决建议**") and "请改为 '## 解决建议'" in f.message


def test_heading_with_extra_colon_is_named(kb):
    rel = kb.problem(body=PROBLEM_BODY.replace("## 解决建议", "## 解决建议："))
    f = kb.one("KB021")
    assert f.line == kb.line(rel, "## 解决建议：") and "应写作 '## 解决建议'" in f.message


def test_headings_out_of_order(kb):
    body = "\n## 解决建议\n\n建议。\n\n## 问题描述\n\n描述。\n\n## 实施步骤\n\n1. 第一步。\n"
    rel = kb.problem(body=body)
    f = kb.one("KB022")
    assert f.line == kb.line(rel, "## 解决建议")
    assert "'## 解决建议' 应在 '## 问题描述' 之后" in f.message
    assert "## 问题描述 → ## 解决建议 → ## 实施步骤" in f.message


def test_swapped_headings_name_the_one_that_moved(kb):
    body = "\n## 问题描述\n\n描述。\n\n## 实施步骤\n\n1. 第一步。\n\n## 解决建议\n\n建议。\n"
    rel = kb.problem(body=body)
    f = kb.one("KB022")
    assert f.line == kb.line(rel, "## 实施步骤")
    assert "'## 实施步骤' 应在 '## 解决建议' 之后" in f.message


def test_empty_section(kb):
    rel = kb.problem(body=PROBLEM_BODY.replace("支部书记当面提醒，讲清按月交纳党费的规定，并建立催缴台账。", ""))
    f = kb.one("KB023")
    assert f.line == kb.line(rel, "## 解决建议")
    assert "'## 解决建议' 下没有内容" in f.message and "填写" in f.message


def test_section_with_only_a_sub_heading_is_empty(kb):
    kb.case(body=CASE_BODY.replace("按时交纳率从 70% 提高到 98%。", "### 小结"))
    assert "'## 取得成效'" in kb.one("KB023").message


def test_other_headings_may_stand_between(kb):
    kb.problem(body=PROBLEM_BODY.replace("## 解决建议", "## 原因分析\n\n原因。\n\n## 解决建议"))
    assert kb.check().findings == []


def test_handbook_body_is_free(kb):
    kb.chapter(body="\n只有一段话。\n")
    kb.section(body="\n## 常见问题\n\n问：…\n")
    assert kb.check().findings == []


# -- numbered steps -----------------------------------------------------------------------------


def test_steps_as_a_bullet_list(kb):
    rel = kb.problem(body=PROBLEM_BODY.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- "))
    f = kb.one("KB024")
    assert f.line == kb.line(rel, "## 实施步骤")
    assert "编号的步骤列表" in f.message and "'1. '" in f.message


def test_steps_with_chinese_enumeration_comma(kb):
    rel = kb.problem(body=PROBLEM_BODY.replace("1. ", "1、").replace("2. ", "2、").replace("3. ", "3、"))
    f = kb.one("KB024")
    assert f.line == kb.line(rel, "## 实施步骤")
    assert "'1、组织委员核对党费台账" in f.message and "'1. …'" in f.message


def test_steps_numbered_with_parenthesis_are_no_list(kb):
    """Python-Markdown reads '1) …' as one paragraph (CommonMark would not): the steps would run
    together on the page, so check asks for '1. '."""
    kb.problem(body=PROBLEM_BODY.replace("1. ", "1) ").replace("2. ", "2) ").replace("3. ", "3) "))
    (f,) = kb.check().findings
    assert f.code == "KB024" and "'1. …'" in f.message


# -- unsafe HTML --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("<script>alert(1)</script>", "'<script>'"),
        ('<iframe src="https://example.com"></iframe>', "'<iframe>'"),
        ('<span onclick="steal()">点我</span>', "事件属性"),
        ("[点此查看](javascript:alert(1))", "'javascript:alert(1)'"),
        ('<a href="javascript:alert(1)">点我</a>', "'javascript:alert(1)'"),
    ],
)
def test_unsafe_html_is_an_error(kb, html, words):
    rel = kb.problem(body=PROBLEM_BODY.replace("## 解决建议", f"{html}\n\n## 解决建议"))
    f = kb.one("KB029")
    assert (f.path, f.line, f.is_error) == (rel, kb.line(rel, html), True)
    assert words in f.message and "请删除" in f.message


@pytest.mark.parametrize("html", ["<script>alert(1)</script>", "[x](javascript:alert(1))", "<b onclick=x>"])
def test_unsafe_html_inside_code_is_not_reported(kb, html):
    fenced = f"```html\n{html}\n```\n\n~~~\n{html}\n~~~\n\n行内 `{html}` 示例。\n"
    kb.problem(body=PROBLEM_BODY.replace("## 解决建议", fenced + "\n## 解决建议"))
    assert kb.check().findings == []


def test_unsafe_html_is_found_even_without_front_matter(kb):
    kb.write("problems/P-0001-示例.md", "<script>alert(1)</script>\n")
    assert sorted(kb.codes()) == ["KB002", "KB029"]


def test_harmless_html_and_angle_brackets_are_fine(kb):
    kb.problem(body=PROBLEM_BODY.replace("## 解决建议", "交纳比例 < 1% 时<br>按规定执行。\n\n## 解决建议"))
    assert kb.check().findings == []


def test_script_links_are_caught_however_they_are_spelled(kb):
    body = (
        "## 问题描述\n\n[a](java&#115;cript:alert(1))\n[b](java\tscript:alert(1))\n[c][1]\n\n"
        "[1]: javascript:alert(1)\n\n&lt;script&gt; 作为文字是可以的，时间 10:30，[链接](https://example.org)\n\n"
        "## 解决建议\n\n建议\n\n## 实施步骤\n\n1. 第一步\n"
    )
    kb.problem(id="P-0001", body=body)
    lines = sorted(f.line for f in kb.findings("KB029"))
    # java<TAB>script: is no link at all for Markdown (a space ends the address): it stays text.
    assert len(lines) == 2
    assert kb.line("problems/P-0001-示例.md", "java&#115;cript") in lines
    assert kb.line("problems/P-0001-示例.md", "[1]: javascript") in lines
