"""`dangjian-kb check`: exit codes, and the text, JSON and GitHub outputs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from dangjian_kb.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["check", *args])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def broken(kb) -> tuple[str, str]:
    """One problem with an error (bad source) and one non-Markdown file (warning)."""
    rel = kb.problem(source="巡视")
    kb.write("problems/说明.txt", "备注")
    return rel, "problems/说明.txt"


# -- exit codes ---------------------------------------------------------------------------------


def test_clean_knowledge_base_exits_0(kb, capsys):
    kb.problem()
    code, out, _ = run(capsys, str(kb.root), "--today", "2026-06-01")
    assert code == 0
    assert "检查通过：1 个条目，没有发现问题。" in out


def test_warnings_only_exit_0(kb, capsys):
    kb.problem()
    kb.write("problems/说明.txt", "备注")
    code, out, _ = run(capsys, str(kb.root))
    assert code == 0
    assert "0 个错误，1 个警告" in out


def test_errors_exit_1(kb, capsys):
    broken(kb)
    code, out, _ = run(capsys, str(kb.root))
    assert code == 1
    assert "1 个错误，1 个警告" in out


def test_review_overdue_is_reported_but_exits_0(kb, capsys):
    kb.chapter()
    kb.section(reviewed="2025-01-15")
    code, out, _ = run(capsys, str(kb.root), "--today", "2026-06-01")
    assert code == 0 and "KB027" in out
    code, out, _ = run(capsys, str(kb.root), "--today", "2025-06-01")
    assert code == 0 and "KB027" not in out


def test_path_that_does_not_exist_exits_2(kb, capsys):
    code, out, err = run(capsys, str(kb.root / "没有"))
    assert code == 2 and out == ""
    assert "目录不存在" in err


def test_path_without_collection_folders_exits_2(kb, capsys):
    (kb.root / "docs").mkdir()
    code, _, err = run(capsys, str(kb.root))
    assert code == 2
    assert "handbook/" in err and "problems/" in err and "cases/" in err


@pytest.mark.parametrize(
    "option, name, present",
    [
        ("--register", "organisations.yml", "organizations.yml"),
        ("--taxonomy", "taxonomy.yaml", "taxonomy.yml"),
        ("--regulations", "regulation.yml", "regulations.yml"),
    ],
)
def test_a_named_file_that_is_not_there_is_a_usage_error_not_a_silent_default(
    kb, capsys, monkeypatch, option, name, present
):
    kb.problem()
    kb.write(present, "{}\n")
    monkeypatch.chdir(kb.root)
    code, out, err = run(capsys, option, name, ".")
    assert code == 2 and out == ""
    assert f"'{name}' 不存在" in err and f"是否想写 '{present}'？" in err


def test_invalid_format_exits_2(kb, capsys):
    kb.problem()
    code, out, err = run(capsys, str(kb.root), "--format", "xml")
    assert code == 2 and out == ""
    assert "用法错误" in err and "xml" in err


def test_broken_taxonomy_file_exits_2(kb, capsys):
    kb.problem()
    kb.write("taxonomy.yml", "categories: [\n")
    code, _, err = run(capsys, str(kb.root))
    assert code == 2
    assert "KB037" in err and "taxonomy.yml" in err


@pytest.mark.parametrize(
    "elsewhere",
    [
        "elsewhere: [社保, 工资条]\n",  # a list, not anchors + topics
        "elsewhere:\n  anchors: [党]\n  topics:\n    - words: [班车]\n",  # whom to ask is missing
        "elsewhere:\n  anchors: [党]\n  topics:\n    - {ask: '<b>后勤</b>', words: [班车]}\n",
        "elsewhere:\n  anchors: 党\n  topics:\n    - {ask: 后勤, words: [班车]}\n",  # not a list: no anchor left
        "elsewhere:\n  anchors: [党]\n  topics:\n    - {ask: 后勤, words: 班车}\n",
        "elsewhere:\n  anchors: [党]\n  topics:\n    - {ask: 后勤, words: []}\n",
    ],
)
def test_a_broken_elsewhere_list_is_named_with_its_fix(kb, capsys, elsewhere):
    kb.problem()
    kb.write("synonyms.yml", "groups:\n  - [交党费, 缴党费]\n" + elsewhere)
    code, out, _ = run(capsys, str(kb.root))
    assert code == 1
    assert "synonyms.yml" in out and "KB037" in out and "elsewhere" in out


def test_an_elsewhere_word_in_a_title_is_a_warning_naming_the_entry(kb, capsys):
    kb.problem(title="食堂食材验收台账不全")
    kb.write(
        "synonyms.yml",
        "groups: []\nelsewhere:\n  anchors: [党]\n  topics:\n    - {ask: 后勤部门, words: [食堂, 班车]}\n",
    )
    code, out, _ = run(capsys, str(kb.root))
    assert code == 0 and "KB045" in out and "'食堂'" in out and "P-0001" in out and "'班车'" not in out


def test_console_script_exit_code(kb):
    broken(kb)
    script = [sys.executable, "-m", "dangjian_kb.cli", "check", str(kb.root), "--format", "json"]
    done = subprocess.run(script, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["errors"] == 1


# -- output formats -----------------------------------------------------------------------------


def test_json_output_has_every_finding(kb, capsys):
    rel, txt = broken(kb)
    code, out, _ = run(capsys, str(kb.root), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["entries"], doc["errors"], doc["warnings"]) == (1, 1, 1)
    assert doc["findings"] == [
        {"path": rel, "line": 6, "code": "KB019", "severity": "error", "message": doc["findings"][0]["message"]},
        {"path": txt, "line": None, "code": "KB010", "severity": "warning", "message": doc["findings"][1]["message"]},
    ]
    assert "是否想写 '巡视检查'" in doc["findings"][0]["message"]


def test_github_output_is_workflow_annotations(kb, capsys, monkeypatch):
    rel, txt = broken(kb)
    monkeypatch.chdir(kb.root.parent)  # as in Actions: files named relative to the repository
    code, out, _ = run(capsys, "kb", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"::error file=kb/{rel},line=6,title=KB019::KB019 ")
    assert "是否想写 '巡视检查'" in lines[0]
    assert lines[1].startswith(f"::warning file=kb/{txt},title=KB010::KB010 ")
    assert lines[2] == "共检查 1 个条目：1 个错误，1 个警告。"


def test_github_output_escapes_what_would_break_an_annotation(kb, capsys):
    kb.problem(name="P-0001-党费,催缴.md")
    kb.problem("P-0002", name="P-0002-党费,催缴.md", source="巡视")
    code, out, _ = run(capsys, str(kb.root), "--format", "github")
    first = next(
        line for line in out.splitlines() if line.startswith("::error")
    )  # P-0002 also gets KB034: it copies P-0001
    assert re.match(r"::error file=problems/P-0002-党费%2C催缴\.md,line=6,title=KB019::", first), first


def test_text_output_groups_findings_by_file(kb, capsys):
    first = kb.problem(source="巡视", updated="2024年5月")
    second = kb.case(kind="成功")
    code, out, _ = run(capsys, str(kb.root))
    lines = out.splitlines()
    assert len(lines) == 6
    assert lines[0] == second  # each file named once, its findings indented below it
    assert lines[1].startswith(f"  {second}:{kb.line(second, 'kind:')}: KB019 'kind' 的值 '成功' 无效。")
    assert lines[2] == first
    assert lines[3].startswith(f"  {first}:6: KB019 'source' 的值 '巡视' 无效。")
    assert lines[4].startswith(f"  {first}:8: KB020 日期 'updated: 2024年5月'")
    assert all(line.endswith(" [错误]") for line in (lines[1], lines[3], lines[4]))
    assert lines[5] == "共检查 2 个条目：3 个错误，0 个警告。"


def test_no_colour_codes_when_not_a_terminal(kb, capsys):
    broken(kb)
    _, out, _ = run(capsys, str(kb.root))
    assert "\033[" not in out


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_warnings_are_shown_but_do_not_fail_in_any_format(kb, capsys, fmt):
    kb.problem()
    kb.write("problems/说明.txt", "备注")
    code, out, _ = run(capsys, str(kb.root), "--format", fmt)
    assert code == 0
    assert "KB010" in out and "说明.txt" in out
