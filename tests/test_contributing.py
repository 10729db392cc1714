"""Contributing by pull request: `dangjian-kb new`, the template-prompt rule (KB038), the privacy
guard (KB033) and the near-duplicate warning (KB034)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CASE_BODY, PROBLEM_BODY, TODAY
from dangjian_kb.authoring import scaffold
from dangjian_kb.check import neardup, validate
from dangjian_kb.cli import main

PROJECT = Path(__file__).resolve().parents[1]
NEW_DAY = "2026-12-01"  # `new`/`check --today`: the shipped handbook within its review dates, no date after it


# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge base."""
    root = tmp_path / "kb"
    root.mkdir()
    for name in ("handbook", "problems", "cases", "standards", "templates"):
        shutil.copytree(PROJECT / name, root / name)
    for data in ("taxonomy.yml", "regulations.yml"):
        shutil.copy(PROJECT / data, root / data)
    return root


def cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def new(capsys, root: Path, kind: str, title: str, *extra: str) -> tuple[int, str, str]:
    return cli(capsys, "new", kind, "--title", title, "--root", str(root), "--today", NEW_DAY, *extra)


def check(root: Path):
    return validate.load(root, today=dt.date.fromisoformat(NEW_DAY))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def highest(root: Path, folder: str, prefix: str) -> int:
    return max(int(m[1]) for p in (root / folder).rglob("*") if (m := re.match(prefix + r"-(\d+)", p.name)))


def fill_prompts(path: Path) -> None:
    """Replace every template prompt by text, as a contributor would."""
    values = {
        "source": "日常运行",
        "kind": "成功经验",
        "unit": "某市供水公司第二党支部",
        "issuer": "党支部委员会",
        "recipient": "上级党委",
        "usage": "支部委员会研究后报送上级党委",
        "basis": "[《中国共产党支部工作条例（试行）》]",
    }
    lines = []
    for n, line in enumerate(path.read_text("utf-8").split("\n")):
        field = re.match(r"(\w+): \[?待填写：", line)
        if field:
            line = f"{field[1]}: {values[field[1]]}"
        elif "待填写：" in line:
            prefix = re.match(r"\s*(?:\d+\. )?", line)[0]
            line = f"{prefix}第{n}行的实际内容：支部书记负责组织，组织委员每月检查一次落实情况。"
        lines.append(line)
    path.write_text("\n".join(lines), "utf-8")


# -- new: ids and file names ----------------------------------------------------------------------


def test_new_problem_takes_the_next_free_id(shipped, capsys):
    expected = f"P-{highest(shipped, 'problems', 'P') + 1:04d}"
    code, out, err = new(capsys, shipped, "problem", "党员老是不按时交党费", "--topic", "党费管理")
    assert code == 0, err
    path = Path(out.strip())
    assert path == shipped / "problems" / f"{expected}-党员老是不按时交党费.md"
    meta = front_matter(path)
    assert (meta["id"], meta["title"], meta["category"], meta["topic"]) == (
        expected,
        "党员老是不按时交党费",
        "制度建设",
        "党费管理",
    )
    assert str(meta["updated"]) == NEW_DAY
    assert "待填写" in err and "dangjian-kb check" in err


def test_new_case_takes_the_next_free_id_and_fills_the_date(shipped, capsys):
    expected = f"C-{highest(shipped, 'cases', 'C') + 1:04d}"
    code, out, _ = new(capsys, shipped, "case", "党费线上收缴试点", "--category", "制度建设")
    assert code == 0
    path = Path(out.strip())
    assert path.name == f"{expected}-党费线上收缴试点.md"
    meta = front_matter(path)
    assert meta["id"] == expected and str(meta["date"]) == NEW_DAY and "topic" not in meta
    assert meta["unit"].startswith("待填写：")


def test_new_handbook_section_follows_the_last_chapter(shipped, capsys):
    chapters = [int(m[1]) for p in (shipped / "handbook").iterdir() if (m := re.fullmatch(r"HB-(\d+)\.md", p.name))]
    last = max(chapters)
    sections = [int(m[1]) for p in (shipped / "handbook").iterdir() if (m := re.match(rf"HB-{last}\.(\d+)", p.name))]
    code, out, _ = new(capsys, shipped, "handbook", "问题库条目的合并与清理")
    assert code == 0
    path = Path(out.strip())
    assert path.name == f"HB-{last}.{max(sections) + 1}.md"
    assert str(front_matter(path)["reviewed"]) == NEW_DAY


def test_new_handbook_chapter_by_id_and_no_second_time(shipped, capsys):
    code, out, _ = new(capsys, shipped, "handbook", "第六章 数字化党建", "--id", "HB-6")
    assert code == 0 and Path(out.strip()) == shipped / "handbook" / "HB-6.md"
    before = (shipped / "handbook" / "HB-6.md").read_bytes()
    code, out, err = new(capsys, shipped, "handbook", "另一个第六章", "--id", "HB-6")
    assert code == 1 and out == ""
    assert "'HB-6' 已被 handbook/HB-6.md 使用" in err
    assert (shipped / "handbook" / "HB-6.md").read_bytes() == before


def test_section_without_its_chapter_is_written_with_a_note(shipped, capsys):
    code, out, err = new(capsys, shipped, "handbook", "网上党支部", "--id", "HB-7.1")
    assert code == 0 and out.strip().endswith("HB-7.1.md")
    assert "HB-7" in err and "KB035" in err


def test_ids_are_never_reused_even_from_broken_files(shipped, capsys):
    top = highest(shipped, "problems", "P")
    # the highest-numbered problem has unusable front matter: it is not an entry, but its id is taken
    (shipped / "problems" / f"P-{top + 7:04d}-写坏了的条目.md").write_text("---\ntitle: [没有闭合\n", "utf-8")
    code, out, _ = new(capsys, shipped, "problem", "新问题", "--category", "组织建设")
    assert code == 0 and Path(out.strip()).name.startswith(f"P-{top + 8:04d}-")
    # an id written only inside a file (its name has none), in a sub-folder, is taken too
    (shipped / "cases" / "草稿").mkdir()
    (shipped / "cases" / "草稿" / "新案例.md").write_text("---\nid: C-0300\n", "utf-8")
    code, out, _ = new(capsys, shipped, "case", "新案例", "--category", "组织建设")
    assert code == 0 and Path(out.strip()).name == "C-0301-新案例.md"


def test_first_entry_of_an_empty_collection_is_0001(tmp_path, capsys):
    (tmp_path / "problems").mkdir()
    code, out, _ = new(capsys, tmp_path, "problem", "第一个问题", "--category", "组织建设")
    assert code == 0 and Path(out.strip()).name == "P-0001-第一个问题.md"


def test_refuses_to_overwrite_an_existing_file(shipped, capsys, monkeypatch):
    target = next((shipped / "problems").glob("P-0001-*.md"))
    title = target.stem.split("-", 2)[2]
    before = target.read_bytes()
    monkeypatch.setattr(scaffold, "ids_in_tree", lambda root: {})  # as if another branch just took the id
    code, out, err = new(capsys, shipped, "problem", title, "--category", "组织建设")
    assert code == 1 and out == ""
    assert "已存在，不会覆盖" in err
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    "title, name",
    [
        ("党费：收缴/使用 *试点*?", "P-0001-党费：收缴-使用-试点.md"),
        ("  两个  空格  ", "P-0001-两个-空格.md"),
        ("a" * 60, "P-0001-" + "a" * 40 + ".md"),
        ("///", "P-0001.md"),
    ],
)
def test_file_names_are_safe(tmp_path, capsys, title, name):
    (tmp_path / "problems").mkdir()
    code, out, _ = new(capsys, tmp_path, "problem", title, "--category", "组织建设")
    assert code == 0 and Path(out.strip()).name == name


def test_title_with_yaml_syntax_is_quoted(tmp_path, capsys):
    (tmp_path / "problems").mkdir()
    title = "问题: [一] #二 'yes'"
    code, out, _ = new(capsys, tmp_path, "problem", title, "--category", "组织建设")
    path = Path(out.strip())
    assert code == 0 and front_matter(path)["title"] == title
    fill_prompts(path)
    assert check(tmp_path).findings == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--category", "组织建"], "未知分类 '组织建'。是否想写 '组织建设'？"),
        (["--category", "党费管理"], "请写 --category 制度建设 --topic 党费管理"),
        (["--category", "组织建设", "--topic", "党费管理"], "主题 '党费管理' 不属于分类 '组织建设'"),
        (["--topic", "党费管"], "未知主题 '党费管'。是否想写 '党费管理'？"),
        ([], "问题必须有分类"),
        (["--category", "组织建设", "--id", "P-0100"], "--id 只用于手册"),
    ],
)
def test_wrong_arguments_exit_2_and_write_nothing(shipped, capsys, args, message):
    before = sorted(p.name for p in (shipped / "problems").iterdir())
    code, out, err = new(capsys, shipped, "problem", "某个问题", *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in (shipped / "problems").iterdir()) == before


@pytest.mark.parametrize("value, message", [("hb6.1", "是否想写 'HB-6.1'？"), ("P-0001", "格式不对")])
def test_malformed_handbook_id_exits_2(shipped, capsys, value, message):
    code, _, err = new(capsys, shipped, "handbook", "某节", "--id", value)
    assert code == 2 and message in err


def test_blank_title_and_wrong_root_exit_2(tmp_path, capsys):
    code, _, err = new(capsys, tmp_path, "problem", "题目", "--category", "组织建设")
    assert code == 2 and "不是知识库目录" in err
    (tmp_path / "problems").mkdir()
    code, _, err = new(capsys, tmp_path, "problem", " ", "--category", "组织建设")
    assert code == 2 and "标题不能为空" in err
    code, _, err = new(capsys, tmp_path / "nowhere", "problem", "题目", "--category", "组织建设")
    assert code == 2 and "目录不存在" in err


# -- new + check: the template cannot be published until filled ---------------------------------

KINDS = [
    ("problem", ["--topic", "党费管理"]),
    ("case", ["--category", "活动开展"]),
    ("handbook", []),
    ("handbook", ["--id", "HB-6"]),
    ("template", ["--topic", "换届选举", "--doctype", "请示"]),
    ("template", ["--category", "制度建设", "--doctype", "表格"]),
]


@pytest.mark.parametrize("kind, args", KINDS)
def test_untouched_scaffold_fails_check_with_kb038_only(shipped, capsys, kind, args):
    code, out, _ = new(capsys, shipped, kind, "新条目的标题", *args)
    assert code == 0
    rel = Path(out.strip()).relative_to(shipped).as_posix()
    findings = check(shipped).findings
    assert findings and {f.code for f in findings} == {"KB038"}, "\n".join(map(str, findings))
    assert {f.path for f in findings} == {rel}
    prompts = [i for i, line in enumerate(Path(out.strip()).read_text("utf-8").split("\n"), 1) if "待填写：" in line]
    assert sorted(f.line for f in findings) == prompts
    assert all(f.message.startswith("未替换的模板提示 '") for f in findings)
    code, out, _ = cli(capsys, "check", str(shipped), "--today", NEW_DAY)
    assert code == 1 and "KB038" in out


@pytest.mark.parametrize("kind, args", KINDS)
def test_filled_scaffold_passes_check(shipped, capsys, kind, args):
    code, out, _ = new(capsys, shipped, kind, "新条目的标题", *args)
    fill_prompts(Path(out.strip()))
    assert check(shipped).findings == []
    code, out, _ = cli(capsys, "check", str(shipped), "--today", NEW_DAY)
    assert code == 0 and "没有发现问题" in out


def test_two_untouched_scaffolds_are_not_near_duplicates(shipped, capsys):
    new(capsys, shipped, "problem", "第一个新问题", "--category", "组织建设")
    new(capsys, shipped, "problem", "另一个新问题", "--category", "组织建设")
    assert "KB034" not in {f.code for f in check(shipped).findings}


def test_prompt_marker_counts_only_at_the_start_of_a_line(kb):
    rel = kb.problem(
        body=PROBLEM_BODY.replace(
            "并建立催缴台账。", "并建立催缴台账。\n\n> 【待填写】补充说明\n\n本表待填写的内容由组织委员负责。"
        )
    )
    f = kb.one("KB038")
    assert f.line == kb.line(rel, "【待填写】") and "'> 【待填写】补充说明'" in f.message


def test_prompt_value_is_reported_once_not_also_as_invalid(kb):
    rel = kb.case(kind="待填写：三选一：成功经验、创新做法、经验教训")
    f = kb.one("KB038")
    assert f.line == kb.line(rel, "kind:")
    assert kb.codes() == ["KB038"]


# -- privacy ------------------------------------------------------------------------------------

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(region: str = "110105", birth: str = "19800317", seq: str = "123") -> str:
    """A well-formed resident ID number: GB 11643 check character over the first 17 digits."""
    first = region + birth + seq
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, WEIGHTS)) % 11]


def wrong_check(number: str) -> str:
    return number[:17] + next(c for c in "0123456789X" if c != number[17])


def body_with(text: str) -> str:
    return PROBLEM_BODY.replace("并建立催缴台账。", "并建立催缴台账。\n\n" + text)


def test_valid_id_number_is_reported_masked(kb):
    number = id_number()
    rel = kb.problem(body=body_with(f"该党员身份证号为{number}，已核实。"))
    f = kb.one("KB033")
    assert f.line == kb.line(rel, number)
    assert "身份证号" in f.message and number not in f.message and "19800317" not in f.message
    assert f"'{number[:6]}********{number[-4:]}'" in f.message
    assert "public_numbers" in f.message and "删除" in f.message


def test_id_number_with_check_character_x(kb):
    number = next(n for seq in range(1000) if (n := id_number(seq=f"{seq:03d}")).endswith("X"))
    kb.problem(body=body_with(f"身份证：{number.lower()}"))
    assert "身份证号" in kb.one("KB033").message


@pytest.mark.parametrize(
    "text",
    [
        wrong_check(id_number()),  # checksum wrong: an order number, not an ID
        id_number(birth="19801332"),  # no such day
        id_number(birth="21000101"),  # born in the future
        id_number() + "7",  # 19 digits
    ],
)
def test_not_an_id_number(kb, text):
    kb.problem(body=body_with(f"编号 {text}。"))
    assert kb.check().findings == []


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138-1234-5678",
        "138 1234 5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "电话13812345678。",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_numbers_are_reported(kb, text):
    rel = kb.problem(body=body_with(f"联系人：{text}"))
    f = kb.one("KB033")
    assert f.line == kb.line(rel, "联系人：")
    assert "手机号 '1381234****'" in f.message


@pytest.mark.parametrize(
    "text",
    [
        "2013812345678901",
        "1381234567",
        "12812345678",
        "138-1234-5678-90",
        "2024 138 1234 5678",
        "010-12345678",
        "0.13812345678",
    ],
)
def test_digit_runs_that_are_not_mobile_numbers(kb, text):
    kb.problem(body=body_with(f"编号：{text}"))
    assert kb.check().findings == []


def test_two_numbers_on_a_line_are_both_reported(kb):
    kb.problem(body=body_with("电话 13812345678 13987654321"))
    assert len(kb.findings("KB033")) == 2


def test_email_in_front_matter_is_reported_on_its_line(kb):
    rel = kb.case(contributor="张三 zhangsan@example.org")
    f = kb.one("KB033")
    assert f.line == kb.line(rel, "contributor:")
    assert "电子邮箱 'zh***@example.org'" in f.message


def test_allow_list_exempts_exactly_the_listed_values(kb):
    rel = kb.problem(
        public_numbers=["138-1234-5678", "Hotline@example.org"],
        body=body_with("服务热线 13812345678，邮箱 hotline@example.org；书记手机 13987654321。"),
    )
    f = kb.one("KB033")
    assert f.line == kb.line(rel, "服务热线") and "1398765****" in f.message


def test_allow_list_written_as_numbers(kb):
    number = id_number()
    kb.problem(public_numbers=f"[13812345678, {number}]", body=body_with(f"热线 138 1234 5678，证件 {number}"))
    assert kb.check().findings == []


def test_privacy_error_in_github_format(kb, capsys, monkeypatch):
    rel = kb.problem(body=body_with("联系电话：138-1234-5678"))
    monkeypatch.chdir(kb.root.parent)
    code, out, _ = cli(capsys, "check", "kb", "--format", "github", "--today", TODAY.isoformat())
    assert code == 1
    lines = out.splitlines()
    line = kb.line(rel, "联系电话")
    assert lines[0] == (
        f"::error file=kb/{rel},line={line},title=KB033::KB033 含有手机号 '1381234****'，"
        "属于个人信息，不能公开发布。请删除，或如确需公开（如服务热线），在头部信息 public_numbers 中列出。"
    )
    assert lines[1] == "共检查 1 个条目：1 个错误，0 个警告。"
    assert "12345678" not in out


def test_privacy_is_checked_in_files_with_broken_front_matter(kb):
    kb.write("problems/P-0001-坏.md", "---\ntitle: [没有闭合\n---\n\n电话 13812345678\n")
    f = kb.one("KB033")
    assert f.line == 5


# -- near duplicates ----------------------------------------------------------------------------

PARAPHRASE = [
    ("部分党员", "有些党员"),
    ("连续三个月", "连着三个月"),
    ("支部也没有及时提醒", "支部没有及时提醒"),
    ("当面提醒", "当面谈话提醒"),
]


def paraphrased(body: str) -> str:
    for old, new_text in PARAPHRASE:
        body = body.replace(old, new_text)
    return body


def test_paraphrased_title_with_similar_text_is_a_near_duplicate(kb):
    kb.problem("P-0012", title="党员长期不按时交纳党费")
    rel = kb.problem("P-0013", title="党员老是不按时交党费", body=paraphrased(PROBLEM_BODY))
    f = kb.one("KB034")
    assert (f.path, f.line, f.is_error) == (rel, kb.line(rel, "title:"), False)
    m = re.fullmatch(
        r"与 P-0012《党员长期不按时交纳党费》高度相似（相似度 (0\.\d\d)）。如是同一问题，请合并到已有条目；"
        r"如不同，请在标题中写明区别，并可在 related 中列出 P-0012。",
        f.message,
    )
    assert m and float(m[1]) >= neardup.THRESHOLD


def test_warning_goes_to_the_higher_id_whatever_the_file_order(kb):
    kb.case("C-0009", folder="a", title="党费线上收缴与自动提醒新做法", body=paraphrased(CASE_BODY))
    kb.case("C-0002", folder="z")
    f = kb.one("KB034")
    assert f.path.startswith("cases/a/C-0009") and "与 C-0002《党费线上收缴与自动提醒》" in f.message
    assert "同一案例" in f.message


def test_distinct_entries_are_not_near_duplicates(kb):
    kb.problem("P-0001")
    kb.problem(
        "P-0002",
        title="预备党员转正逾期未讨论",
        category="队伍建设",
        topic="党员发展",
        body="""
## 问题描述

一名预备党员预备期满已经两个月，支部一直没有召开党员大会讨论其转正问题。

## 解决建议

预备期满前一个月，组织委员提醒支部书记，按期讨论，不能无故拖延。

## 实施步骤

1. 建立预备党员台账，标明预备期满日期。
2. 期满前一个月由本人提出转正申请。
3. 支部党员大会按期讨论并报上级党委审批。
""",
    )
    assert kb.check().findings == []


def test_same_title_with_different_text_is_not_a_near_duplicate(kb):
    kb.problem("P-0001")
    kb.problem(
        "P-0002",
        body="""
## 问题描述

退休职工党员住得分散，很多人不会用手机，到单位交党费要跑很远。

## 解决建议

由社区党组织代收，或者委托家属每季度集中交纳一次，支部开具收据。

## 实施步骤

1. 摸清离退休党员的住址和身体状况。
2. 与社区党组织约定代收办法。
3. 每季度核对一次台账。
""",
    )
    assert "KB034" not in kb.codes()


def test_problem_and_case_are_never_compared(kb):
    kb.problem("P-0001", body=PROBLEM_BODY)
    kb.case(
        "C-0001",
        title="党费逾期未缴",
        body=PROBLEM_BODY.replace("问题描述", "背景")
        .replace("解决建议", "实施过程")
        .replace("## 实施步骤", "## 取得成效\n\n按时交纳率提高。\n\n## 关键因素"),
    )
    assert "KB034" not in kb.codes()


@pytest.mark.parametrize(
    "link", [dict(related=["P-0012"]), dict(body=paraphrased(PROBLEM_BODY) + "\n另见 [[P-0012]]。\n")]
)
def test_entries_that_name_each_other_are_not_reported(kb, link):
    kb.problem("P-0012", title="党员长期不按时交纳党费")
    kb.problem("P-0013", title="党员老是不按时交党费", **{"body": paraphrased(PROBLEM_BODY), **link})
    assert "KB034" not in kb.codes()


def test_shipped_knowledge_base_has_no_near_duplicates(shipped):
    kb = check(shipped)
    assert kb.findings == []
    pairs = [(a, b) for coll in ("problems", "cases") for i, a in enumerate(kb.of(coll)) for b in kb.of(coll)[i + 1 :]]
    best = max(neardup.score(neardup.features(a.title, a.body), neardup.features(b.title, b.body)) for a, b in pairs)
    assert best < neardup.THRESHOLD / 2  # far from the threshold, not just under it


def test_synthetic_corpus_scores_few_candidates_and_warns_none(tmp_path):
    sys.path.insert(0, str(PROJECT / "bench"))
    try:
        import synth
    finally:
        sys.path.remove(str(PROJECT / "bench"))
    synth.generate(tmp_path / "synth", 2000)
    kb = validate.load(tmp_path / "synth", today=synth.REF_DATE)
    assert kb.errors == [] and "KB034" not in {f.code for f in kb.findings}
    problems = kb.of("problems")
    heads = [neardup._keys(e.title, neardup._head(e.body)) for e in problems]
    assert len(neardup.candidates(heads)) < len(problems)  # not all pairs: fewer candidates than entries
