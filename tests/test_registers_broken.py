"""The two files a maintainer edits by hand, `synonyms.yml` and `taxonomy.yml`: every problem
is reported in one run, each with its line, the value quoted as typed and how to fix it; what
is usable of the taxonomy still checks the entries in the same run."""

from __future__ import annotations

import re

import pytest

from dangjian_kb.model import synonyms, taxonomy, urls
from dangjian_kb.search import search_text
from test_validator_cli import run


def lines_of(text: str, name: str) -> dict[int, list[str]]:
    """Findings naming ``name``, by line."""
    found: dict[int, list[str]] = {}
    for line in text.splitlines():  # the text report: indented under the file, severity after
        m = re.fullmatch(rf"\s*{re.escape(name)}:(\d+): (KB\d+) (.*?)(?: \[(?:错误|警告)\])?", line)
        if m:
            found.setdefault(int(m[1]), []).append(f"{m[2]} {m[3]}")
    return found


def assert_plain(text: str) -> None:
    """No traceback, no Python repr of a value."""
    assert "Traceback" not in text
    assert "['" not in text and "{'" not in text and "None" not in text, text


# -- synonyms.yml --------------------------------------------------------------------------------

SYNONYMS = """\
groups:
  - [交党费, 缴党费]
  - 单个字符串
  - [只有一个]
  - []
  - [交党费, 交党费]
  - [<b>粗体</b>, 正常]
  - [嵌套, [列表]]
  - {a: b}
elsewhere:
  anchors: [党, 支部]
  askers: [党员]
  topics:
    - ask: ""
      words: [年假]
    - ask: 行政后勤部门
      words: 食堂
    - ask: 财务部门
      words: []
    - ask: [财务, 部门]
      words: [报销]
unknown_key: 1
"""


def test_every_synonyms_problem_is_reported_in_one_run_with_its_line(kb, capsys):
    kb.problem()
    kb.write("synonyms.yml", SYNONYMS)
    code, out, err = run(capsys, str(kb.root))
    assert code == 1, out + err
    assert_plain(out + err)
    found = lines_of(out, "synonyms.yml")
    expected = {
        3: ("KB037", "'单个字符串'", "[单个字符串, "),
        4: ("KB037", "'只有一个'", "至少"),
        5: ("KB037", "空", "至少"),
        6: ("KB037", "'交党费'", "至少"),
        7: ("KB037", "'<b>粗体</b>'", "删除"),
        8: ("KB037", "'[列表]'", "请"),
        9: ("KB037", "'{a: b}'", "请"),
        14: ("KB037", "ask", "ask: 人力资源部门"),
        17: ("KB037", "'食堂'", "words: [食堂]"),
        19: ("KB037", "'财务部门'", "请"),
        20: ("KB037", "'[财务, 部门]'", "请"),
        22: ("KB046", "'unknown_key'", "groups"),
    }
    for line, parts in expected.items():
        assert any(all(p in msg for p in parts) for msg in found.get(line, [])), (line, parts, out)
    assert sorted(found) == sorted(expected), out
    for line, messages in found.items():
        for msg in messages:
            assert "。" in msg, msg  # what is wrong。how to fix


def test_the_first_group_and_the_usable_topics_are_still_used(tmp_path):
    path = tmp_path / "synonyms.yml"
    path.write_text(SYNONYMS, "utf-8")
    vocabulary, findings = synonyms.read(path, "synonyms.yml")
    assert ["交党费", "缴党费"] in vocabulary.groups
    assert all(len(set(g)) >= 2 for g in vocabulary.groups)
    assert vocabulary.elsewhere.anchors == ("党", "支部")
    assert vocabulary.elsewhere.askers == ("党员",)
    assert vocabulary.elsewhere.topics == ()  # every topic of the file is broken
    assert {f.code for f in findings} == {"KB037", "KB046"}


def test_the_index_builder_refuses_the_file_listing_every_error(tmp_path):
    path = tmp_path / "synonyms.yml"
    path.write_text(SYNONYMS, "utf-8")
    with pytest.raises(synonyms.SynonymsError) as caught:
        search_text.load_vocabulary(path)
    text = str(caught.value)
    assert len([ln for ln in text.splitlines() if " KB037 " in ln]) == 11, text
    assert all(ln.startswith(f"{path}:") for ln in text.splitlines()), text
    assert_plain(text)


def test_a_duplicate_word_in_a_group_is_a_warning_and_the_run_passes(kb, capsys):
    kb.problem()
    kb.write("synonyms.yml", "groups:\n  - [交党费, 缴党费]\n  - [换届, 换届选举, 换届]\n")
    code, out, _ = run(capsys, str(kb.root))
    assert code == 0, out
    found = lines_of(out, "synonyms.yml")
    assert list(found) == [3] and found[3][0].startswith("KB046") and "'换届'" in found[3][0], out


@pytest.mark.parametrize(
    "text, line, key, meant",
    [
        ("group:\n  - [交党费, 缴党费]\n", 1, "group", "groups"),
        ("groups: []\nelsewere:\n  anchors: [党]\n", 2, "elsewere", "elsewhere"),
        ("elsewhere:\n  anchors: [党]\n  anchor: [支部]\n", 3, "anchor", "anchors"),
        ("elsewhere:\n  anchors: [党]\n  asker: [党员]\n", 3, "asker", "askers"),
        ("elsewhere:\n  anchors: [党]\n  topic: []\n", 3, "topic", "topics"),
        (
            "elsewhere:\n  anchors: [党]\n  topics:\n    - {ask: 后勤, words: [班车], wrods: [食堂]}\n",
            4,
            "wrods",
            "words",
        ),
        (
            "elsewhere:\n  anchors: [党]\n  topics:\n    - ask: 后勤\n      asks: 工会\n      words: [班车]\n",
            5,
            "asks",
            "ask",
        ),
    ],
)
def test_an_unknown_key_names_the_key_meant(tmp_path, text, line, key, meant):
    path = tmp_path / "synonyms.yml"
    path.write_text(text, "utf-8")
    _, findings = synonyms.read(path, "synonyms.yml")
    unknown = [f for f in findings if f"'{key}'" in f.message]
    assert len(unknown) == 1, [str(f) for f in findings]
    assert unknown[0].line == line and f"是否想写 '{meant}'？" in unknown[0].message, str(unknown[0])


@pytest.mark.parametrize(
    "text, line, needle",
    [
        ("elsewhere:\n  topics: []\n", 1, "anchors"),  # anchors missing: named, not 'None'
        ("elsewhere:\n  anchors: []\n", 2, "anchors"),
        ("elsewhere:\n  anchors: 党\n", 2, "anchors: [党]"),
        ("elsewhere:\n  anchors: [党]\n  askers: []\n", 3, "askers"),
        ("elsewhere:\n  anchors: [党]\n  topics:\n    - words: [班车]\n", 4, "ask"),
        ("elsewhere:\n  anchors: [党]\n  topics:\n    - ask: 后勤\n", 4, "words"),
        ("elsewhere:\n  anchors: [党, '  ']\n", 2, "空"),
        ("elsewhere:\n  anchors: [党]\n  topics: 社保\n", 3, "topics"),
        ("elsewhere: [社保, 工资条]\n", 1, "anchors"),
        ("- [交党费, 缴党费]\n", 1, "groups:"),
        ("groups: 交党费\n", 1, "groups"),
    ],
)
def test_each_shape_error_has_its_line_and_no_repr(tmp_path, text, line, needle):
    path = tmp_path / "synonyms.yml"
    path.write_text(text, "utf-8")
    _, findings = synonyms.read(path, "synonyms.yml")
    errors = [f for f in findings if f.is_error]
    assert errors and errors[0].line == line and needle in errors[0].message, [str(f) for f in findings]
    for f in findings:
        assert_plain(str(f))


def test_a_yaml_error_in_synonyms_has_its_line(kb, capsys):
    kb.problem()
    kb.write("synonyms.yml", "groups:\n  - [交党费, 缴党费\n  - [a, b]\n")
    code, out, _ = run(capsys, str(kb.root))
    assert code == 1
    assert re.search(r"^\s*synonyms\.yml:[1-9]\d*: KB037 ", out, re.M), out


# -- taxonomy.yml --------------------------------------------------------------------------------

TAXONOMY = """\
categories:
  - name: 组织建设
    slug: organization
    topics: [组织覆盖, 四同步, 组织覆盖]
  - name: 制度建设
    slug: Members_X
    topics: [党费管理]
  - name: 队伍建设
    slug: organization
    topics: 组织生活
  - name: <i>斜体</i>
    slug: italic
    topics: [斜体主题]
  - 单个条目
  - name: 组织建设
    slug: organization-2
    topics: [换届选举]
  - name: 基础保障
    slug: index
    topics: []
  - name: 活动开展
    slug: activities
    topics: [党建品牌, 书记项目]
"""


def test_every_taxonomy_problem_is_reported_in_one_run_with_the_entry_findings(kb, capsys):
    kb.problem(source="巡视")  # an entry error: still reported
    kb.problem("P-0002", title="支部设置不规范的问题", category="队伍建设", topic="组织生活")
    kb.problem("P-0003", title="品牌创建流于形式", category="活动开展", topic="党建品牌")
    kb.write("taxonomy.yml", TAXONOMY)
    code, out, err = run(capsys, str(kb.root))
    assert code == 1, out + err
    assert_plain(out + err)
    found = lines_of(out, "taxonomy.yml")
    expected = {
        4: ("KB046", "'组织覆盖'", "删去"),
        6: ("KB037", "'Members_X'", "是否想写 'members-x'？"),
        9: ("KB037", "'organization'", "第 3 行"),
        10: ("KB037", "'组织生活'", "topics: [组织生活]"),
        11: ("KB037", "'<i>斜体</i>'", "删除"),
        14: ("KB037", "'单个条目'", "- name: 单个条目"),
        15: ("KB037", "'组织建设'", "第 2 行"),
        19: ("KB037", "'index'", "categories/index.html"),
        20: ("KB037", "'基础保障'", "topics"),
    }
    for line, parts in expected.items():
        assert any(all(p in msg for p in parts) for msg in found.get(line, [])), (line, parts, out)
    assert sorted(found) == sorted(expected), out
    # the entries were checked against what is usable: the bad source is found, and the topic
    # written as a string is not reported again for every entry using it
    assert "KB019" in out and "巡视" in out
    assert "KB017" not in out and "KB018" not in out, out


def test_the_usable_taxonomy_keeps_safe_addresses(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(TAXONOMY, "utf-8")
    tax, findings = taxonomy.read(path, "taxonomy.yml")
    assert tax.names() == ["组织建设", "制度建设", "队伍建设", "基础保障", "活动开展"]
    slugs = [c.slug for c in tax.categories]
    assert len(set(slugs)) == len(slugs) and "index" not in slugs and all(taxonomy.SLUG.fullmatch(s) for s in slugs)
    assert tax.get("组织建设").topics == ("组织覆盖", "四同步")
    assert tax.get("队伍建设").topics == ("组织生活",)
    assert len([f for f in findings if f.is_error]) == 8


def test_scaffold_refuses_a_broken_taxonomy_listing_every_error(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(TAXONOMY, "utf-8")
    with pytest.raises(taxonomy.TaxonomyError) as caught:
        taxonomy.load(path)
    text = str(caught.value)
    assert len([ln for ln in text.splitlines() if " KB037 " in ln]) == 8, text
    assert_plain(text)


@pytest.mark.parametrize("slug", sorted(taxonomy.RESERVED_SLUGS))
def test_a_reserved_slug_is_refused(tmp_path, slug):
    path = tmp_path / "taxonomy.yml"
    path.write_text(f"categories:\n  - name: 组织建设\n    slug: {slug}\n    topics: [组织覆盖]\n", "utf-8")
    tax, findings = taxonomy.read(path, "taxonomy.yml")
    assert [(f.line, f.code) for f in findings] == [(3, "KB037")] and f"'{slug}'" in findings[0].message
    assert tax.categories[0].slug != slug


def test_every_generated_page_under_categories_is_reserved():
    """categories/ holds the overview and one page per slug: the overview's name is not a slug."""
    generated = {urls.CATEGORIES}
    assert all(u.startswith("categories/") for u in generated)
    assert {urls.category(s) for s in taxonomy.RESERVED_SLUGS} >= generated


@pytest.mark.parametrize(
    "text, line, needle",
    [
        ("categories:\n  - name: 组织建设\n    topics: [组织覆盖, [嵌套]]\n", 3, "'[嵌套]'"),
        ("categories:\n  - name: 组织建设\n    topics: [组织覆盖, '']\n", 3, "空"),
        ("categories:\n  - name: 组织建设\n    topic: [组织覆盖]\n", 3, "是否想写 'topics'？"),
        ("categories:\n  - name: 组织建设\n", 2, "topics"),
        ("categories:\n  - slug: organization\n    topics: [组织覆盖]\n", 2, "name"),
        ("categories:\n  - name: [组织, 建设]\n    topics: [组织覆盖]\n", 2, "'[组织, 建设]'"),
        ("categories:\n  - name: 组织建设\n    slug: 组织\n    topics: [组织覆盖]\n", 3, "'组织'"),
        ("categories:\n  - name: 组织建设\n    topics: ['[点](javascript:x)']\n", 3, "标记"),
        ("categories:\n  - name: 组织建设\n    topics: [组织覆盖]\ncategory: []\n", 4, "是否想写 'categories'？"),
    ],
)
def test_each_taxonomy_problem_has_its_line(tmp_path, text, line, needle):
    path = tmp_path / "taxonomy.yml"
    path.write_text(text + "  - name: 制度建设\n    topics: [党费管理]\n" if "category:" not in text else text, "utf-8")
    try:
        _, findings = taxonomy.read(path, "taxonomy.yml")
    except taxonomy.TaxonomyError as exc:
        findings = exc.findings
    assert any(f.line == line and needle in f.message for f in findings), [str(f) for f in findings]
    for f in findings:
        assert_plain(str(f))


@pytest.mark.parametrize(
    "text",
    [
        "categories: [\n",  # YAML
        "categories: []\n",
        "- name: 组织建设\n",
        "categories:\n  - 组织建设\n  - 制度建设\n",  # nothing usable
    ],
)
def test_an_unusable_taxonomy_is_a_configuration_error_listing_every_problem(kb, capsys, text):
    kb.problem()
    kb.write("taxonomy.yml", text)
    code, out, err = run(capsys, str(kb.root))
    assert code == 2 and out == ""
    assert_plain(err)
    listed = [ln for ln in err.splitlines() if ln.strip()]
    assert listed and all(re.match(r"taxonomy\.yml:[1-9]\d*: KB037 .+。", ln) for ln in listed), err
    if "制度建设" in text:
        assert len(listed) == 3 and "没有一个可用的分类" in listed[-1], err


def test_the_shipped_files_have_no_findings():
    tax, found = taxonomy.read(None, "taxonomy.yml")
    assert found == [] and len(tax.categories) == 5
    vocabulary, found = synonyms.read(None, "synonyms.yml")
    assert found == [] and vocabulary.groups and vocabulary.elsewhere.topics


@pytest.mark.parametrize(
    "name, text, line",
    [
        ("synonyms.yml", "groups:\n  - [交党费, 缴党费]\ngroups:\n  - [换届, 换届选举]\n", 3),
        ("synonyms.yml", "elsewhere:\n  anchors: [党]\n  anchors: [支部]\n", 3),
        ("taxonomy.yml", "categories:\n  - name: 组织建设\n    topics: [组织覆盖]\n    topics: [四同步]\n", 4),
        (
            "taxonomy.yml",
            "categories:\n  - {name: 组织建设, topics: [组织覆盖]}\ncategories:\n  - {name: 制度建设, topics: [x]}\n",
            3,
        ),
    ],
)
def test_a_key_written_twice_is_an_error_not_a_silent_loss(tmp_path, name, text, line):
    """YAML keeps the last of two equal keys: the first would be dropped without a word."""
    path = tmp_path / name
    path.write_text(text, "utf-8")
    module = synonyms if name == "synonyms.yml" else taxonomy
    _, findings = module.read(path, name)
    assert [(f.line, f.code) for f in findings] == [(line, "KB037")] and "写了两次" in findings[0].message


def test_reading_the_shipped_files_stays_fast():
    import time

    started = time.perf_counter()
    for _ in range(10):
        taxonomy.read(None, "taxonomy.yml")
        synonyms.read(None, "synonyms.yml")
    assert (time.perf_counter() - started) / 10 < 0.1


@pytest.mark.parametrize("name", ["synonyms.yml", "taxonomy.yml"])
def test_a_tag_that_cannot_build_its_value_is_reported_at_its_line_with_the_rest(tmp_path, name):
    text = {
        "synonyms.yml": "groups:\n  - [交党费, !!int x]\n  - [只有一个]\n",
        "taxonomy.yml": "categories:\n  - name: !!timestamp x\n    topics: [a]\n  - name: 组织建设\n    topics: []\n",
    }[name]
    path = tmp_path / name
    path.write_text(text, "utf-8")
    module = synonyms if name == "synonyms.yml" else taxonomy
    _, findings = module.read(path, name)
    expected = [2, 3] if name == "synonyms.yml" else [2, 5]
    assert [f.line for f in findings if f.is_error] == expected, [str(f) for f in findings]
    assert "'x'" in findings[0].message and "!!" in findings[0].message
