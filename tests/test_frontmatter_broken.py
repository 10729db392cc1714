"""Broken front matter and broken registers, as a contributor sees them: one run reports every
problem, each at the line where it is, with the value quoted as typed and how to fix it
(是否想写 '…'？); nothing is silently cut, merged or dropped, and nothing raises."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian_kb.check import fastyaml, frontmatter
from dangjian_kb.check import organizations as check_orgs
from dangjian_kb.cli import main
from dangjian_kb.model import yamlsafe
from dangjian_kb.model.collection import ALL, collection_of_id
from dangjian_kb.model.findings import Collector

TODAY = dt.date(2026, 6, 1)
# what the tester wrote after `id:` and `title:` (HDR in the report)
HDR = "category: 组织建设\ntopic: 组织覆盖\nsource: 巡视检查\nupdated: 2026-05-25\n"
P_BODY = """
## 问题描述

部分党员连续三个月没有按月交纳党费，支部也没有及时提醒。

## 解决建议

支部书记当面提醒，讲清按月交纳党费的规定，并建立催缴台账。

## 实施步骤

1. 组织委员核对党费台账，列出逾期名单。
2. 支部书记逐人谈话提醒，登记补交情况。
"""
SHAPE = re.compile(r"^[^:\n]+:\d+: KB\d{3} [^\n]+[。？）]$")


def problem_text(fm: str, body: str = P_BODY) -> str:
    return f"---\n{fm}---\n{body}"


def shown(kb) -> list[str]:
    """Every finding as the contributor reads it, checked for the one message shape."""
    lines = [str(f) for f in kb.check(today=TODAY).findings]
    for line in lines:
        assert "Traceback" not in line and "\\u" not in line, line
    return lines


def at(kb, rel: str, code: str) -> list:
    return [f for f in kb.check(today=TODAY).findings if f.path == rel and f.code == code]


# -- 1. a ' #' inside a value starts a YAML comment and cuts it -----------------------------------


def test_hash_in_a_title_is_reported_with_the_quoted_fix(kb):
    rel = kb.write("problems/P-0001-a.md", problem_text("id: P-0001\ntitle: 党费问题 #2 的处理\n" + HDR))
    (f,) = at(kb, rel, "KB004")
    assert f.line == 3 and f.is_error
    assert "'党费问题'" in f.message and "#2 的处理" in f.message
    assert """是否想写 'title: "党费问题 #2 的处理"'？""" in f.message
    assert SHAPE.match(str(f)), str(f)


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("unit: 第二党支部 #3 班组", """'unit: "第二党支部 #3 班组"'"""),
        ('title: 他说 "好" #1', """'title: "他说 \\"好\\" #1"'"""),
        ("title: 党费问题 # 第二次", """'title: "党费问题 # 第二次"'"""),
    ],
)
def test_any_text_value_cut_by_a_comment_is_reported(kb, line, fix):
    rel = kb.case(**{line.split(":")[0]: line.split(": ", 1)[1]})
    (f,) = at(kb, rel, "KB004")
    assert f.line == kb.line(rel, line) and fix in f.message


@pytest.mark.parametrize(
    "line",
    [
        "updated: 2026-03-15  # 按实际修改",  # what `dangjian-kb new` writes: a date cannot be cut
        "tags: [党费, 催缴]  # 可选：关键词",  # a flow list is closed by its bracket
        'title: "党费问题 #2 的处理"',  # quoted: the '#' is text
        "title: 党费问题#2",  # no space before '#': text
    ],
)
def test_deliberate_comments_and_quoted_hashes_are_not_reported(kb, line):
    key, value = line.split(": ", 1)
    kb.problem(**{key: value})
    assert kb.check(today=TODAY).findings == []


def test_the_scaffold_comments_pass(kb):
    kb.problem(updated="2026-03-15  # 按实际修改", tags="[]  # 可选：关键词，如 [党费, 催缴]")
    kb.section(reviewed="2026-05-20  # 最近复核日期")
    kb.chapter()
    assert kb.check(today=TODAY).findings == []


# -- 2. full-width separators in flow lists ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("[党费，交纳，收缴]", ["党费", "交纳", "收缴"]),
        ("[党费、交纳]", ["党费", "交纳"]),
        ("[党费， 交纳；收缴]", ["党费", "交纳", "收缴"]),
    ],
)
def test_full_width_separators_in_tags(kb, value, items):
    rel = kb.problem(tags=value)
    (f,) = at(kb, rel, "KB005")
    assert f.line == kb.line(rel, "tags:")
    assert f"'{value[1:-1]}'" in f.message
    assert f"是否想写 'tags: [{', '.join(items)}]'？" in f.message
    assert kb.check(today=TODAY).by_id["P-0001"].tags == items  # the rest of the run sees the list meant


def test_full_width_comma_in_related_gives_the_list_not_kb025(kb):
    kb.problem("P-0002")
    kb.problem("P-0003")
    rel = kb.problem(related="[P-0002，P-0003]")
    found = [f for f in kb.check(today=TODAY).findings if f.is_error]  # (three alike problems: KB034)
    assert [f.code for f in found] == ["KB005"]
    assert "是否想写 'related: [P-0002, P-0003]'？" in found[0].message
    assert found[0].line == kb.line(rel, "related:")


@pytest.mark.parametrize("key", ["basis", "public_numbers"])
def test_every_list_field_gets_the_hint(kb, key):
    rel = kb.problem(**{key: "[甲，乙]"})
    (f,) = at(kb, rel, "KB005")
    assert f"是否想写 '{key}: [甲, 乙]'？" in f.message


def test_a_title_in_brackets_keeps_its_commas(kb):
    kb.problem(basis="[《关于中国共产党党费收缴、使用和管理的规定》, 党章（2022年修改，第九条）]")
    assert kb.check(today=TODAY).findings == []


def test_a_quoted_item_with_a_comma_is_one_item(kb):
    kb.problem(tags='["组织生活会、民主评议", 党费]')
    assert kb.check(today=TODAY).findings == []
    assert kb.check(today=TODAY).by_id["P-0001"].tags == ["组织生活会、民主评议", "党费"]


def test_full_width_brackets_suggest_a_plain_list(kb):
    kb.problem(tags="【党费, 交纳】")
    f = kb.one("KB013", today=TODAY)
    assert "是否想写 'tags: [党费, 交纳]'？" in f.message or "'tags: [党费, 交纳]'" in f.message
    assert "【" not in f.message.split("。", 1)[1]


def test_a_number_for_a_list_suggests_that_number_as_a_list(kb):
    kb.problem(public_numbers="12380")
    f = kb.one("KB013", today=TODAY)
    assert "'public_numbers: [12380]'" in f.message
    assert "党费" not in f.message


def test_a_mapping_for_related_gets_an_example_of_ids(kb):
    kb.problem(related="{a: b}")
    f = kb.one("KB013", today=TODAY)
    assert "P-" in f.message and "党费" not in f.message


# -- 3. duplicate keys ----------------------------------------------------------------------------


def test_duplicate_title_is_reported_at_the_second_line(kb):
    fm = "id: P-0001\ntitle: 第一个标题\n" + HDR + "title: 第二个标题\n"
    rel = kb.write("problems/P-0001-a.md", problem_text(fm))
    (f,) = at(kb, rel, "KB004")
    assert f.line == 8
    assert "'title'" in f.message and "第 3 行" in f.message


def test_duplicate_category_points_findings_at_the_value_used(kb):
    fm = "id: P-0001\ntitle: 标题\ncategory: 组织建设\ntopic: 组织覆盖\nsource: 巡视检查\ncategory: 组织建设x\n"
    rel = kb.write("problems/P-0001-a.md", problem_text(fm))
    found = kb.check(today=TODAY).findings
    assert {(f.code, f.line) for f in found} >= {("KB004", 7), ("KB017", 7)}
    assert all(f.path == rel for f in found)


def test_duplicate_id(kb):
    fm = "id: P-0001\ntitle: 标题\n" + HDR + "id: P-0002\n"
    rel = kb.write("problems/P-0001-a.md", problem_text(fm))
    codes = {(f.code, f.line) for f in at(kb, rel, "KB004") + at(kb, rel, "KB015")}
    assert ("KB004", 8) in codes and ("KB015", 8) in codes


def test_fast_path_declines_a_duplicate_key():
    assert fastyaml.parse("id: P-0001\nid: P-0002") is None
    assert fastyaml.parse("id: P-0001\ntitle: x") == {"id": "P-0001", "title": "x"}


def test_yamlsafe_refuses_a_duplicate_key_with_its_line():
    with pytest.raises(yamlsafe.YamlRefused) as exc:
        yamlsafe.load("a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert exc.value.line == 4 and "'b'" in str(exc.value) and "第 2 行" in str(exc.value)
    with pytest.raises(yaml.YAMLError):
        yaml.load("a: 1\na: 2\n", Loader=yamlsafe.Loader)  # noqa: S506 - a SafeLoader
    assert yamlsafe.load("a: 1\nb: {a: 2}\n<<: {c: 3}\n") == {"a": 1, "b": {"a": 2}, "c": 3}


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def test_duplicate_key_in_organizations_yml(kb, capsys):
    kb.problem()
    kb.write(
        "organizations.yml",
        "organizations:\n  - id: ORG-001\n    name: 测试党委\n    level: 党委\n    type: 企业\n    name: 另一个名字\n",
    )
    loaded = check_orgs.load(kb.root, None, TODAY)
    (f,) = [f for f in loaded.findings if f.code == "KB060"]
    assert f.line == 6 and "'name'" in f.message and "第 3 行" in f.message


def test_duplicate_key_in_a_standard(kb):
    kb.problem()
    kb.write("standards/x.yml", "id: x\ntitle: 标准\ntotal: 10\ntitle: 又一个\n")
    found = [f for f in kb.check(today=TODAY).findings if f.path == "standards/x.yml"]
    assert [(f.code, f.line) for f in found] == [("KB070", 4)]
    assert "'title'" in found[0].message and "第 2 行" in found[0].message


def test_duplicate_key_in_the_taxonomy(kb, capsys):
    kb.problem()
    kb.write(
        "taxonomy.yml",
        "categories:\n  - name: 制度建设\n    topics: [党费管理]\n    name: 组织建设\n",
    )
    code, out = run(capsys, str(kb.root))
    assert code != 0
    assert re.search(r"taxonomy\.yml:4: KB037 .*'name'.*第 2 行", out), out


def test_duplicate_key_in_synonyms(kb, capsys):
    kb.problem()
    kb.write("synonyms.yml", "groups:\n  - [交党费, 缴党费]\ngroups:\n  - [支委会, 支部委员会]\n")
    code, out = run(capsys, str(kb.root))
    assert re.search(r"synonyms\.yml:3: KB037 .*'groups'.*第 1 行", out), out


def test_duplicate_regulations_list(kb, capsys):
    kb.problem()
    reg = "  - id: dangzhang\n    title: 中国共产党章程\n    issuer: 全国代表大会\n    date: 2022-10-22\n    status: 现行\n"
    kb.write("regulations.yml", "regulations:\n" + reg + "regulations:\n" + reg.replace("dangzhang", "other"))
    code, out = run(capsys, str(kb.root))
    assert re.search(r"regulations\.yml:7: KB050 .*'regulations'", out), out


# -- 4. anchors, aliases, merge keys, nesting: at their own line -----------------------------------


def test_alias_is_reported_at_its_line(kb):
    fm = "id: P-0001\ntitle: 标题\n" + HDR + "tags: &t [换届, 任期]\nrelated: *t\n"
    rel = kb.write("problems/P-0001-a.md", problem_text(fm))
    (f,) = at(kb, rel, "KB008")
    assert f.line == 9 and "'*t'" in f.message and "第 8 行的锚点 '&t'" in f.message


def test_merge_key_is_reported_at_its_line(kb):
    fm = "id: P-0001\ntitle: 标题\n" + HDR + "<<: {tags: [a]}\n"
    rel = kb.write("problems/P-0001-a.md", problem_text(fm))
    (f,) = at(kb, rel, "KB008")
    assert f.line == 8


def test_deep_nesting_is_reported_at_its_line(kb):
    fm = "id: P-0001\ntitle: 标题\n" + HDR + "tags: " + "[" * 22 + "x" + "]" * 22 + "\n"
    rel = kb.write("problems/P-0001-a.md", problem_text(fm))
    (f,) = at(kb, rel, "KB004")
    assert f.line == 8


# -- 5. ids are ASCII -----------------------------------------------------------------------------


def test_full_width_digits_are_not_an_id():
    for coll in ALL:
        assert not coll.id_pattern.fullmatch(
            coll.example.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        )
    assert collection_of_id("P-０６１１") is None
    assert collection_of_id("HB-２.３") is None


def test_full_width_id_is_refused_with_the_ascii_id(kb):
    rel = kb.problem("P-０６１１", name="P-０６１１-a.md")
    kbase = kb.check(today=TODAY)
    (f,) = [f for f in kbase.findings if f.code == "KB014"]
    assert f.path == rel and f.line == kb.line(rel, "id:")
    assert "'P-０６１１'" in f.message and "是否想写 'P-0611'？" in f.message
    assert kbase.entries == [] and not any("０" in e.url for e in kbase.entries)


def test_full_width_id_with_an_ascii_file_name(kb):
    kb.problem("P-０６１１", name="P-0611-a.md")
    found = kb.check(today=TODAY).findings
    assert [f.code for f in found] == ["KB014"]
    assert "是否想写 'P-0611'？" in found[0].message


def test_full_width_file_name_with_ascii_id(kb):
    kb.problem("P-0611", name="P-０６１１-a.md")
    f = kb.one("KB015", today=TODAY)
    assert "'P-0611-" in f.message


def test_full_width_wikilink_suggests_the_ascii_id(kb):
    kb.problem("P-0611")
    kb.problem("P-0002", body=P_BODY + "\n见 [[P-０６１１]]。\n")
    f = kb.one("KB026", today=TODAY)
    assert "是否想写 'P-0611'？" in f.message


def test_full_width_date_suggests_the_ascii_date(kb):
    kb.problem(updated="２０２６-０３-１５")
    f = kb.one("KB020", today=TODAY)
    assert "是否想写 '2026-03-15'？" in f.message


# -- 6. dates in the future -----------------------------------------------------------------------


def test_reviewed_in_the_future_is_an_error_not_a_silenced_reminder(kb):
    kb.chapter()
    rel = kb.section(reviewed="2099-01-01")
    found = kb.check(today=TODAY).findings
    (f,) = [f for f in found if f.code == "KB020"]
    assert f.line == kb.line(rel, "reviewed:") and f.is_error
    assert "'reviewed: 2099-01-01'" in f.message and "2026-06-01" in f.message


def test_updated_in_the_future_is_an_error(kb):
    rel = kb.problem(updated="2026-06-03")
    f = kb.one("KB020", today=TODAY)
    assert f.line == kb.line(rel, "updated:") and "2026-06-01" in f.message


def test_today_itself_is_fine_and_today_comes_from_the_option(kb):
    kb.problem(updated="2026-06-01")
    assert kb.check(today=TODAY).findings == []
    assert [f.code for f in kb.check(today=dt.date(2026, 5, 30)).findings] == ["KB020"]


# -- 7. a broken front matter does not hide the body's problems -----------------------------------


def test_body_checks_run_when_the_front_matter_is_broken(kb):
    kb.problem("P-0002")
    body = """
## 问题描述

支部联系人电话 13912345678。

## 实施步骤

先核对台账，再逐人提醒。

见 [[P-9999]]。

<script>alert(1)</script>
"""
    rel = kb.write("problems/P-0001-a.md", problem_text("id: P-0001\ntitle: 标题\n" + HDR + "tags: [a, b\n", body))
    found = [f for f in kb.check(today=TODAY).findings if f.path == rel]
    codes = {f.code for f in found}
    assert {"KB004", "KB021", "KB024", "KB026", "KB029", "KB033"} <= codes, "\n".join(map(str, found))
    kb26 = next(f for f in found if f.code == "KB026")
    assert kb26.line == kb.line(rel, "[[P-9999]]")


# -- 8. file names and full-width spaces shown as typed -------------------------------------------


def test_space_in_the_file_name_is_the_unsafe_name_code(kb):
    rel = kb.problem("P-0305", name="P-0305 空格 名.md")
    found = kb.check(today=TODAY).findings
    assert "KB015" not in [f.code for f in found]
    (f,) = [f for f in found if f.code == "KB044"]
    assert f.path == rel and "'P-0305-空格-名.md'" in f.message


def test_id_followed_by_another_separator_names_the_file_to_write(kb):
    kb.problem("P-0305", name="P-0305_标题.md")
    f = kb.one("KB015", today=TODAY)
    assert "是否想写 'P-0305-标题.md'？" in f.message


def test_full_width_space_in_a_heading_is_shown_as_typed(kb):
    kb.problem(body=P_BODY.replace("## 解决建议", "##\u3000解决建议"))
    f = kb.one("KB021", today=TODAY)
    assert "'##\u3000解决建议'" in f.message and "\\u3000" not in str(f)
    assert "'## 解决建议'" in f.message and "全角空格" in f.message


# -- the general property: every finding of a broken file in the one message shape --------------


BROKEN = [
    "title: 党费问题 #2 的处理",
    "tags: [党费，交纳，收缴]",
    "tags: 【党费, 交纳】",
    "public_numbers: 13912345678",
    "title: 又一个",
    "tags: &t [换届]\nrelated: *t",
    "id: P-０００１",
    "updated: 2099-01-01",
    "tags: [a, b",
    "related: [P-0001，P-9999]",
]


@pytest.mark.parametrize("extra", BROKEN)
def test_every_finding_has_a_line_a_code_and_a_fix(kb, extra):
    rel = kb.write("problems/P-0001-a.md", problem_text("id: P-0001\ntitle: 标题\n" + HDR + extra + "\n"))
    for line in shown(kb):
        assert line.startswith(rel + ":") and not line.startswith(rel + ":0:"), line
        assert SHAPE.match(line), line


def test_a_file_named_after_another_id_gets_no_guess(kb):
    kb.problem("P-0012", name="P-00123-标题.md")
    f = kb.one("KB015", today=TODAY)
    assert "是否想写" not in f.message and "'P-0012-简短标题.md'" in f.message


# -- the fast path answers only where the slow path has nothing to report -----------------------

ATOMS = st.sampled_from(
    [
        "党费",
        "P-0012",
        "2026-05-01",
        "12",
        "党费，交纳",
        "收缴、使用",
        "《规定、办法》",
        "a #b",
        "a#b",
        "&a",
        "*a",
        "'q'",
        "，",
        "x；y",
    ]
)
VALUES = st.one_of(ATOMS, st.lists(ATOMS, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"))
DOCS = st.lists(st.tuples(st.sampled_from(["id", "title", "tags", "related", "basis"]), VALUES), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(DOCS)
def test_fast_path_answers_only_what_the_slow_path_reads_without_findings(pairs):
    lines = [f"{k}: {v}" for k, v in pairs]
    fast = fastyaml.parse_lines(lines, 2)
    if fast is None:
        return
    out = Collector("x.md")
    with mock.patch.object(fastyaml, "parse_lines", return_value=None):
        slow = frontmatter.parse_yaml(lines, 2, out)
    assert out.items == [] and slow == fast


def test_tomorrow_is_not_yet_the_future_a_contributor_ahead_of_utc_writes_it(kb):
    """CI runs on UTC: in Beijing it is already the next day for eight hours of every day."""
    import datetime as dt

    from conftest import TODAY as CHECK_DAY

    kb.section(reviewed=(CHECK_DAY + dt.timedelta(days=1)).isoformat())
    assert "KB020" not in kb.codes()
