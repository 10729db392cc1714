"""Reading files: encodings, the front-matter block, YAML syntax, and which files are content."""

from __future__ import annotations

import os
import re
import time

import pytest

from conftest import PROBLEM_BODY


def test_valid_knowledge_base_has_no_findings(kb):
    kb.problem()
    kb.case()
    kb.chapter()
    kb.section()
    result = kb.check()
    assert result.findings == []
    assert [e.id for e in result.entries] == ["HB-1", "HB-1.1", "P-0001", "C-0001"]


# -- encodings ----------------------------------------------------------------------------------


def test_gbk_file_is_refused_with_save_as_utf8_advice(kb):
    rel = kb.problem()
    kb.write(rel, kb.read(rel).encode("gbk"))
    f = kb.one("KB001")
    assert (f.path, f.line) == (rel, 0)
    assert "GBK" in f.message and "UTF-8" in f.message and "另存为" in f.message
    assert kb.check().entries == []


def test_utf8_bom_is_accepted(kb):
    rel = kb.problem()
    kb.write(rel, b"\xef\xbb\xbf" + kb.read(rel).encode("utf-8"))
    result = kb.check()
    assert result.findings == []
    assert [e.id for e in result.entries] == ["P-0001"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_named_as_utf16(kb, codec):
    rel = kb.problem()
    kb.write(rel, kb.read(rel).encode(codec))
    f = kb.one("KB001")
    assert f.path == rel
    assert "UTF-16" in f.message and "UTF-8" in f.message


def test_windows_line_endings_are_accepted_with_right_lines(kb):
    rel = kb.problem(source="巡视")
    kb.write(rel, kb.read(rel).replace("\n", "\r\n"))
    f = kb.one("KB019")
    assert f.line == 6


# -- the front-matter block ---------------------------------------------------------------------


def test_empty_file(kb):
    rel = kb.write("problems/P-0001-示例.md", "")
    f = kb.one("KB002")
    assert (f.path, f.line) == (rel, 1)
    assert "空" in f.message and "---" in f.message


def test_whitespace_only_file_is_empty(kb):
    kb.write("problems/P-0001-示例.md", "  \n\n\t\n")
    assert "空" in kb.one("KB002").message


def test_missing_front_matter(kb):
    rel = kb.write("problems/P-0001-示例.md", "# 党费逾期未缴\n" + PROBLEM_BODY)
    f = kb.one("KB002")
    assert (f.path, f.line) == (rel, 1)
    assert "缺少头部信息" in f.message and "'---'" in f.message


def test_unclosed_front_matter(kb):
    rel = kb.problem()
    text = kb.read(rel)
    kb.write(rel, text.replace("---\n\n## 问题描述", "\n## 问题描述"))
    f = kb.one("KB003")
    assert (f.path, f.line) == (rel, 1)
    assert "没有结束" in f.message and "'---'" in f.message


def test_full_width_dashes_as_fence_are_reported_and_repaired(kb):
    rel = kb.problem(source="巡视")
    kb.write(rel, kb.read(rel).replace("---", "———", 1))
    f = kb.one("KB005")
    assert f.line == 1 and "'---'" in f.message
    assert "KB019" in kb.codes()  # the rest of the file was still checked


def test_empty_front_matter(kb):
    kb.write("problems/P-0001-示例.md", "---\n---\n" + PROBLEM_BODY)
    f = kb.one("KB007")
    assert f.line == 1
    assert "空" in f.message and "id" in f.message


@pytest.mark.parametrize("front", ["- id: P-0001\n- title: 党费", "党费逾期未缴", "42"])
def test_front_matter_that_is_not_a_mapping(kb, front):
    rel = kb.write("problems/P-0001-示例.md", f"---\n{front}\n---\n{PROBLEM_BODY}")
    f = kb.one("KB007")
    assert (f.path, f.line) == (rel, 2)
    assert "字段: 值" in f.message


# -- repairs of hand-editing slips: reported, then the file is still checked -----------------------


def test_full_width_colon_is_reported_and_the_rest_still_checked(kb):
    rel = kb.problem(source="巡视")
    kb.edit(rel, "title: ", "title：")
    result = kb.check()
    by_code = {f.code: f for f in result.findings}
    assert sorted(by_code) == ["KB005", "KB019"]
    assert by_code["KB005"].line == 3
    assert "'title'" in by_code["KB005"].message and "全角冒号" in by_code["KB005"].message
    assert "title: " in by_code["KB005"].message  # the fix: half-width colon and a space
    assert by_code["KB019"].line == 6  # the source field below was validated in the same run
    assert result.entries[0].title == "党费逾期未缴"


def test_full_width_space_indent_is_reported(kb):
    rel = kb.problem()
    kb.edit(rel, "tags: [党费, 催缴]", "tags:\n\u3000- 党费\n  - 催缴")
    f = kb.one("KB005")
    assert f.line == kb.line(rel, "\u3000") and "全角空格" in f.message
    assert kb.check().entries[0].tags == ["党费", "催缴"]


def test_tab_in_yaml_is_reported_with_its_line_and_repaired(kb):
    rel = kb.problem()
    kb.edit(rel, "tags: [党费, 催缴]", "tags:\n\t- 党费\n\t- 催缴")
    found = kb.findings("KB006")
    assert [f.line for f in found] == [8, 9]
    assert all("Tab" in f.message and "空格" in f.message for f in found)
    assert kb.check().entries[0].tags == ["党费", "催缴"]


def test_missing_space_after_colon(kb):
    rel = kb.problem()
    kb.edit(rel, "title: ", "title:")
    f = kb.one("KB004")
    assert f.line == 3
    assert "冒号后缺少空格" in f.message and "'title: 党费逾期未缴'" in f.message
    assert kb.check().entries[0].title == "党费逾期未缴"


# -- YAML syntax errors: the line where the writer must look --------------------------------------


@pytest.mark.parametrize(
    ("line_text", "words"),
    [
        ("title: 党费: 逾期未缴", ["冒号", "引号"]),
        ('title: "党费逾期未缴', ["引号"]),
        ("tags: [党费, 催缴", ["方括号"]),
        ("title: @党费", ["引号"]),
        ("title: *重要* 党费", ["引号"]),
        ("title", ["冒号"]),
    ],
)
def test_yaml_syntax_error_names_the_line_and_a_fix(kb, line_text, words):
    rel = kb.problem()
    key = line_text.split(":")[0].strip()
    text = kb.read(rel).split("\n")
    index = next(i for i, ln in enumerate(text) if ln.startswith(key + ":"))
    text[index] = line_text
    kb.write(rel, "\n".join(text))
    f = kb.one("KB004")
    assert (f.path, f.line) == (rel, index + 1)
    assert f.message.startswith("头部信息格式错误")
    for word in words:
        assert word in f.message
    assert "无法解析（" not in f.message  # a Chinese hint, not the parser's English


def test_yaml_alias_bomb_is_refused_fast(kb):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    kb.write("problems/P-0001-示例.md", "---\nid: P-0001\n" + "\n".join(lines) + "\n---\n" + PROBLEM_BODY)
    start = time.perf_counter()
    f = kb.one("KB008")
    assert time.perf_counter() - start < 2
    assert f.line == 4 and "别名" in f.message and "直接写出" in f.message  # the first alias, not the fence


def test_value_starting_with_an_asterisk_is_refused_with_quoting_advice(kb):
    rel = kb.problem()
    kb.edit(rel, "title: 党费逾期未缴", "title: *new")
    f = kb.one("KB008")
    assert f.path == rel and "加引号" in f.message


@pytest.mark.parametrize("depth", [50, 999, 5000])
@pytest.mark.parametrize("field", ["source", "category", "updated"])
def test_deep_nesting_is_refused_without_crash(kb, field, depth):
    rel = kb.problem(**{field: "[" * depth + "]" * depth})
    f = kb.one("KB004")
    assert f.path == rel and "嵌套过深" in f.message


def test_unclosed_deep_nesting_is_refused_without_crash(kb):
    kb.write("problems/P-0001-示例.md", "---\nid: P-0001\ntitle: " + "[" * 5000 + "\n---\n")
    assert kb.codes() == ["KB004", "KB021", "KB021", "KB021"]  # the (empty) body is checked all the same


def test_control_character_is_reported_and_removed(kb):
    rel = kb.problem(source="巡视")
    kb.edit(rel, "title: 党费", "title: \x1f党费")
    result = kb.check()
    by_code = {f.code: f for f in result.findings}
    assert sorted(by_code) == ["KB004", "KB019"]
    assert by_code["KB004"].line == 3 and "U+001F" in by_code["KB004"].message
    assert result.entries[0].title == "党费逾期未缴"


# -- which files are read -----------------------------------------------------------------------


def test_file_over_one_megabyte_is_refused(kb):
    rel = kb.problem(body=PROBLEM_BODY + "党" * 400_000)
    f = kb.one("KB009")
    assert (f.path, f.line) == (rel, 0)
    assert "过大" in f.message and "拆分" in f.message
    assert kb.check().entries == []


def test_non_markdown_file_is_a_warning(kb):
    kb.problem()
    kb.write("problems/党费.docx", b"PK\x03\x04")
    result = kb.check()
    [f] = result.findings
    assert (f.code, f.path, f.is_error) == ("KB010", "problems/党费.docx", False)
    assert "'.docx'" in f.message and ".md" in f.message
    assert result.errors == []


def test_image_is_an_asset_without_finding(kb):
    kb.problem()
    kb.write("problems/img/流程图.png", b"\x89PNG\r\n\x1a\n")
    result = kb.check()
    assert result.findings == []
    assert result.assets == ["problems/img/流程图.png"]


def test_dotfiles_and_dot_folders_are_ignored(kb):
    kb.problem()
    kb.write("problems/.DS_Store", b"\x00\x01binary")
    kb.write("problems/.gitkeep", "")
    kb.write("problems/.obsidian/P-0002-草稿.md", "不是条目")
    assert kb.check().findings == []


def test_sub_folders_are_allowed_and_mean_nothing(kb):
    kb.problem(folder="制度建设/党费")
    result = kb.check()
    assert result.findings == []
    assert result.entries[0].rel == "problems/制度建设/党费/P-0001-示例.md"


def test_markdown_suffix_variants_are_read(kb):
    kb.problem(name="P-0001-示例.MD")
    kb.case(name="C-0001-示例.markdown")
    assert [e.id for e in kb.check().entries] == ["P-0001", "C-0001"]


def test_files_outside_collection_folders_are_not_entries(kb):
    kb.problem()
    kb.write("README.md", "# 说明\n")
    kb.write("docs/P-0002.md", "随便什么")
    result = kb.check()
    assert result.findings == [] and len(result.entries) == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_leaving_the_repository_is_refused(kb, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("---\nid: P-0002\n---\n", "utf-8")
    (kb.root / "problems").mkdir()
    (kb.root / "problems" / "P-0002-外部.md").symlink_to(outside)
    (tmp_path / "elsewhere").mkdir()
    (kb.root / "problems" / "外部目录").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = kb.findings()
    assert [(f.code, f.path) for f in found] == [
        ("KB011", "problems/P-0002-外部.md"),
        ("KB011", "problems/外部目录"),
    ]
    assert all("内容文件夹之外" in f.message for f in found)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_inside_the_repository_is_read_once(kb):
    kb.problem()
    (kb.root / "problems" / "循环").symlink_to(kb.root / "problems", target_is_directory=True)
    result = kb.check()
    assert [e.id for e in result.entries] == ["P-0001"]
    assert "KB016" not in [f.code for f in result.findings]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_broken_and_looping_links_are_named_in_chinese(kb):
    kb.problem()
    (kb.root / "problems" / "P-0002-失效.md").symlink_to(kb.root / "problems" / "没有这个文件.md")
    (kb.root / "problems" / "P-0003-甲.md").symlink_to(kb.root / "problems" / "P-0004-乙.md")
    (kb.root / "problems" / "P-0004-乙.md").symlink_to(kb.root / "problems" / "P-0003-甲.md")
    found = {f.path: f for f in kb.findings()}
    assert "不存在" in found["problems/P-0002-失效.md"].message
    assert "循环" in found["problems/P-0003-甲.md"].message and "循环" in found["problems/P-0004-乙.md"].message
    assert not any(re.search("[A-Za-z]{4,}", f.message.replace("KB0", "")) for f in found.values())


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x0c", "\ufffe"])
def test_an_invisible_control_character_is_named_with_its_line(kb, char):
    rel = kb.problem()
    text = (kb.root / rel).read_text("utf-8")
    (kb.root / rel).write_text(text.replace("## 解决建议", f"## 解决建议\n\n看不见{char}的字符", 1), "utf-8")
    f = kb.one("KB001")
    assert f.line == kb.line(rel, "看不见") and f"U+{ord(char):04X}" in f.message


def test_unreadable_file_is_reported(kb):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    rel = kb.problem()
    (kb.root / rel).chmod(0)
    f = kb.one("KB036")
    assert f.path == rel and "权限" in f.message


def test_binary_file_saved_as_md_is_named_binary_not_utf16(kb):
    import random

    data = bytes(random.Random(7).randrange(256) for _ in range(3000)) + b"\x00\x00"
    kb.write("problems/P-0009-scan.md", data)
    finding = kb.one("KB001")
    assert "二进制" in finding.message and "UTF-16" not in finding.message


def test_a_file_name_that_is_not_utf8_is_refused_and_printable(kb, tmp_path):
    kb.problem()
    folder = os.fsencode(kb.root / "problems")
    with open(os.path.join(folder, b"\xfe\xfd.png"), "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + bytes(16))
    result = kb.check()
    (f,) = [f for f in result.findings if f.code == "KB044"]
    assert "UTF-8" in f.message and not any("\ud800" <= c <= "\udfff" for c in str(f))
    assert not any("png" in a for a in result.assets)
    str(f).encode("utf-8")  # printable: no lone surrogate
