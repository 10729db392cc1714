"""Mistakes a contributor editing the shipped knowledge base by hand really makes, one at a time
in a copy of it: each is reported at its own file and line with the fix, in Chinese, and one
mistake never shows up as false errors in files that are fine."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dangjian_kb.cli import main

REPO = Path(__file__).resolve().parents[1]
COPIED = ("handbook", "problems", "cases", "templates", "standards")
DATA = ("taxonomy.yml", "synonyms.yml", "regulations.yml", "organizations.yml")
FINDING = re.compile(r"^\s*(\S+?)(?::(\d+))?: (KB\d+) (.*?) \[(错误|警告)\]$")  # no line: the whole file


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    for name in COPIED:
        shutil.copytree(REPO / name, tmp_path / name)
    for name in DATA:
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def edit(root: Path, pattern: str, old: str, new: str) -> str:
    """Replace the first ``old`` in the one file matching ``pattern``; its path relative to root."""
    (path,) = sorted(root.glob(pattern))
    text = path.read_text("utf-8")
    assert old in text, (pattern, old)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path.relative_to(root).as_posix()


def line_of(root: Path, rel: str, text: str) -> int:
    lines = (root / rel).read_text("utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


def errors(capsys, root: Path) -> list[tuple[str, int, str, str]]:
    main(["check", str(root), "--today", "2026-12-01"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    found = []
    for line in out.splitlines():
        m = FINDING.match(line)
        if m and m[5] == "错误":
            found.append((m[1], int(m[2] or 0), m[3], m[4]))
    return found


# (what, file pattern, old, new, the text on the line to be named, code, words the message holds)
ONE_MISTAKE = [
    (
        "full-width colon in the register",
        "organizations.yml",
        "    name: 中央厨房党支部",
        "    name：中央厨房党支部",
        "name：中央厨房党支部",
        "KB060",
        "是否想写 'name: 中央厨房党支部'",
    ),
    (
        "full-width colon in a regulation",
        "regulations.yml",
        "    issuer: 中国共产党第二十次全国代表大会",
        "    issuer：中国共产党第二十次全国代表大会",
        "issuer：",
        "KB050",
        "是否想写 'issuer: ",
    ),
    (
        "full-width colon in a standard",
        "standards/*.yml",
        "  - id: ZB-A",
        "  - id：ZB-A",
        "id：ZB-A",
        "KB070",
        "是否想写 'id: ZB-A'",
    ),
    (
        "term in words",
        "organizations.yml",
        "    name: 中央厨房党支部",
        "    name: 中央厨房党支部\n    term: 三年",
        "term: 三年",
        "KB065",
        "是否想写 'term: 3'",
    ),
    (
        "the same name but for a space",
        "organizations.yml",
        "    note: 公司生活基地社区，按社区党组织执行5年任期。\n",
        "    note: 公司生活基地社区，按社区党组织执行5年任期。\n"
        "  - id: ORG-999\n    name: 中央厨房 党支部\n    level: 党支部\n    type: 企业\n    elected: 2025-01-10\n",
        "- id: ORG-999",
        "KB062",
        "只差空格",
    ),
    (
        "unit id in lower case",
        "cases/C-0001-*.md",
        "\nunit: ",
        "\nunit: org-011\nx_unit: ",
        "unit: org-011",
        "KB063",
        "是否想写 'ORG-011'",
    ),
    (
        "full-width wikilink",
        "problems/P-0002-*.md",
        "## 解决建议\n",
        "## 解决建议\n\n见【【HB-1.2】】。\n",
        "【【HB-1.2】】",
        "KB047",
        "是否想写 '[[HB-1.2]]'",
    ),
    (
        "wikilink one bracket short",
        "problems/P-0002-*.md",
        "## 解决建议\n",
        "## 解决建议\n\n见 [[HB-1.3] 。\n",
        "[[HB-1.3] ",
        "KB047",
        "是否想写 '[[HB-1.3]]'",
    ),
    (
        "empty wikilink",
        "problems/P-0002-*.md",
        "## 解决建议\n",
        "## 解决建议\n\n见 [[]]。\n",
        "[[]]",
        "KB047",
        "空的链接",
    ),
    (
        "front matter pasted twice",
        "problems/P-0003-*.md",
        "---\n\n",
        "---\n\n---\nid: P-0003\ntitle: 又一个头部\n---\n\n",
        "id: P-0003\ntitle: 又一个头部",
        "KB048",
        "头部写了两次",
    ),
    (
        "a required heading twice",
        "problems/P-0002-*.md",
        "## 实施步骤",
        "## 解决建议\n\n再写一遍。\n\n## 实施步骤",
        "再写一遍",
        "KB022",
        "写了两次",
    ),
    (
        "id that YAML reads as octal",
        "problems/P-0001-*.md",
        "id: P-0001",
        "id: 0012",
        "id: 0012",
        "KB013",
        "'id: P-0001'",
    ),
    (
        "full-width space after the colon",
        "problems/P-0001-*.md",
        "\ntitle: ",
        "\ntitle:\u3000",
        "title:\u3000",
        "KB005",
        "是否想写 'title: ",
    ),
]


ROUND_TWO = [
    (
        "full-width space after a colon in the register",
        "organizations.yml",
        "    name: 中央厨房党支部",
        "    name:\u3000中央厨房党支部",
        "name:\u3000中央厨房党支部",
        "KB060",
        "是否想写 'name: 中央厨房党支部'",
    ),
    (
        "wikilink without its text",
        "problems/P-0002-*.md",
        "## 解决建议\n",
        "## 解决建议\n\n见 [[HB-1.2|]]。\n",
        "[[HB-1.2|]]",
        "KB047",
        "竖线",
    ),
    (
        "second front matter in +++",
        "problems/P-0003-*.md",
        "---\n\n",
        "---\n\n+++\ntitle: 又一个头部\n+++\n\n",
        "+++",
        "KB048",
        "头部写了两次",
    ),
    (
        "a heading that is not one",
        "problems/P-0002-*.md",
        "## 实施步骤",
        "##解决建议\n\n补充。\n\n## 实施步骤",
        "##解决建议",
        "KB021",
        "是否想写 '## 解决建议'",
    ),
    (
        "a template field with a full-width colon",
        "templates/T-0002-*.md",
        "{key: org_name,",
        "{key：org_name,",
        "{key：org_name,",
        "KB083",
        "是否想写 'key: org_name'",
    ),
]


@pytest.mark.parametrize("case", ONE_MISTAKE + ROUND_TWO, ids=[c[0] for c in ONE_MISTAKE + ROUND_TWO])
def test_one_mistake_one_error_at_its_line(shipped, capsys, case):
    _, pattern, old, new, marker, code, words = case
    rel = edit(shipped, pattern, old, new)
    if rel.startswith("cases/"):  # the stand-in key keeps the case's unit value out of the way
        edit(shipped, pattern, "\nx_unit: ", "\n# unit was: ")
    line = _second_fence(shipped, rel) if code == "KB048" and marker != "+++" else line_of(shipped, rel, marker)
    if code == "KB022":  # the second heading, two lines above the text written under it
        line -= 2
    found = errors(capsys, shipped)
    assert found, "check reported no error"
    assert [(f, c) for f, _, c, _ in found] == [(rel, code)], found  # nothing anywhere else
    assert found[0][1] == line and words in found[0][3], found


def _second_fence(root: Path, rel: str) -> int:
    """The line of the '---' that opens a second front matter."""
    lines = (root / rel).read_text("utf-8").split("\n")
    return [i for i, line in enumerate(lines, 1) if line == "---"][2]


# One mistake in a file others depend on: its own errors, none in the entries that rely on it.
CASCADES = [
    ("entry with an unusable id", "problems/P-0001-*.md", "id: P-0001", "id: p-0001", "problems/"),
    (
        "regulation title in book marks",
        "regulations.yml",
        "    title: 中国共产党章程",
        "    title: 《中国共产党章程》",
        None,
    ),
    ("regulation with a bad status", "regulations.yml", "    status: 现行", "    status: 有效", "regulations.yml"),
    ("standard total in words", "standards/*.yml", "\ntotal: ", "\ntotal: 一百\n#", "standards/"),
    ("standard item id in lower case", "standards/*.yml", "      - id: ZB-01", "      - id: zb-01", "standards/"),
    ("template field without its label", "templates/T-0002-*.md", "label: 党支部名称, ", "", "templates/"),
]


@pytest.mark.parametrize("case", CASCADES, ids=[c[0] for c in CASCADES])
def test_one_mistake_no_false_errors_elsewhere(shipped, capsys, case):
    _, pattern, old, new, where = case
    rel = edit(shipped, pattern, old, new)
    found = errors(capsys, shipped)
    assert {f for f, *_ in found} <= {rel}, found
    if where is None:
        assert found == [], found
    else:
        assert found and all(f.startswith(where) for f, *_ in found), found


def test_taxonomy_topics_written_with_chinese_commas_get_a_list_back(shipped, capsys):
    edit(shipped, "taxonomy.yml", "topics: [组织覆盖, 四同步, 换届选举]", "topics: 组织覆盖，四同步，换届选举")
    main(["check", str(shipped), "--today", "2026-12-01"])
    out, err = capsys.readouterr()
    assert "是否想写 'topics: [组织覆盖, 四同步, 换届选举]'" in out + err, out + err


@pytest.mark.parametrize(
    "args,words",
    [
        (["reminders", ".", "--within", "7x"], "参数 --within："),
        (["reminders", ".", "--on", "2026-02-30"], "2026 年 2 月没有 30 日"),
        (["check", ".", "--today", "2026/3/1"], "请写成 2026-03-01"),
    ],
)
def test_command_line_dates_and_periods_said_in_chinese(capsys, args, words):
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and words in err and "argument" not in err, err


def test_new_with_a_missing_taxonomy_is_a_usage_error(shipped, capsys):
    code = main(["new", "problem", "--title", "测试", "--root", str(shipped), "--taxonomy", str(shipped / "nope.yml")])
    err = capsys.readouterr().err
    assert code == 2 and "是否想写" in err and "taxonomy.yml" in err, err
    assert not list((shipped / "problems").glob("*测试*"))


def test_reminders_with_an_empty_notice_template_use_the_built_in_text(shipped, capsys):
    (path,) = shipped.glob("templates/T-0001-*.md")
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("---", 4) + 4], "utf-8")  # the front matter, no body
    code = main(["reminders", str(shipped), "--on", "2026-12-01"])
    out = capsys.readouterr().out
    assert code == 0 and "内置通知文本（templates/T-0001" in out and "正文为空" in out
    assert "届满" in out.split("-" * 40)[1]  # the notice has its text


NO_ERROR = [
    (
        "a number written with a leading zero is the number a person reads",
        "standards/*.yml",
        "\ntotal: 100",
        "\ntotal: 0100",
    ),
    ("a regulation title with half-width brackets", "regulations.yml", "（试行）", "(试行)"),
]


@pytest.mark.parametrize("case", NO_ERROR, ids=[c[0] for c in NO_ERROR])
def test_what_a_person_means_is_read(shipped, capsys, case):
    _, pattern, old, new = case
    edit(shipped, pattern, old, new)
    assert errors(capsys, shipped) == []


def test_an_empty_regulations_register_is_one_error_not_one_per_citation(shipped, capsys):
    (shipped / "regulations.yml").write_text("# 待整理\n", "utf-8")
    found = errors(capsys, shipped)
    assert [(f, c) for f, _, c, _ in found] == [("regulations.yml", "KB050")], found


@pytest.mark.parametrize("name", ["organizations.yml", "regulations.yml"])
def test_a_register_that_is_a_folder_is_an_error(shipped, capsys, name):
    (shipped / name).unlink()
    (shipped / name).mkdir()
    found = errors(capsys, shipped)
    assert [(f, c[:4]) for f, _, c, _ in found] == [(name, "KB06" if name.startswith("org") else "KB05")], found
    assert "文件夹" in found[0][3]


def test_steps_numbered_with_a_parenthesis_are_no_list(shipped, capsys):
    (path,) = shipped.glob("problems/P-0004-*.md")
    text = path.read_text("utf-8")
    head, steps = text.split("## 实施步骤", 1)
    path.write_text(head + "## 实施步骤" + re.sub(r"(?m)^(\d)\. ", r"\1) ", steps), "utf-8")
    found = errors(capsys, shipped)
    assert [(f.split("/")[0], c) for f, _, c, _ in found] == [("problems", "KB024")], found


def test_an_empty_synonyms_file_is_a_warning(shipped, capsys):
    (shipped / "synonyms.yml").write_text("# 以后再写\n", "utf-8")
    main(["check", str(shipped), "--today", "2026-12-01"])
    out = capsys.readouterr().out
    assert "synonyms.yml:1: KB046" in out and "不会使用任何同义词" in out, out
