"""Numbers stated once: a figure that is a rule has one value across the shipped knowledge base,
and wording that is wrong under the rules does not come back. The rules are data
(tests/data/rule_figures.yml); see that file for what each list means."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml

from dangjian_kb.check import register
from dangjian_kb.model.regulations import split_reference

REPO = Path(__file__).resolve().parents[1]
RULES = yaml.safe_load((REPO / "tests" / "data" / "rule_figures.yml").read_text("utf-8"))
CONTENT = ("handbook", "problems", "cases", "templates")
# The 达标 standards are YAML, but their requirement and evidence text is read by the same people.
STANDARDS = "standards"


def shipped_files() -> list[Path]:
    files = [path for folder in CONTENT for path in sorted((REPO / folder).rglob("*.md"))]
    return files + sorted((REPO / STANDARDS).rglob("*.yml"))


def normalized(text: str) -> str:
    """Chinese prose needs no spaces: '7 人以上' and '7人以上' are one statement; bold marks go too."""
    return re.sub(r"\s+", "", text).replace("**", "")


@cache
def shipped() -> dict[str, str]:
    return {path.relative_to(REPO).as_posix(): normalized(path.read_text("utf-8")) for path in shipped_files()}


def statements(rule: dict, texts: dict[str, str]) -> dict[str, list[str]]:
    """value -> files stating it, for every match of the rule's patterns."""
    same = {str(k): str(v) for k, v in (rule.get("same") or {}).items()}
    found: dict[str, list[str]] = defaultdict(list)
    for pattern in rule["patterns"]:
        rx = re.compile(pattern)
        for name, text in texts.items():
            for m in rx.finditer(text):
                value = "/".join(same.get(g, g) for g in m.groups() if g is not None)
                found[value].append(name)
    return dict(found)


def sentence_misses(rule: dict, texts: dict[str, str]) -> list[str]:
    return [
        f"{name}: {s[:40]}…"
        for name, text in texts.items()
        for s in re.split(r"[。\n]", text)
        if rule["when"] in s and rule["must"] not in s and not s.startswith("tags:")
    ]


@pytest.mark.parametrize("rule", RULES["figures"], ids=lambda r: r["rule"])
def test_each_rule_figure_has_one_value(rule):
    found = statements(rule, shipped())
    assert found, f"no shipped entry states '{rule['rule']}': the pattern no longer matches the text"
    wrong = {v: files for v, files in found.items() if v != str(rule["value"])}
    assert wrong == {}, f"'{rule['rule']}' is {rule['value']}; other values stated: {wrong}"


def keyed_values(rule: dict, texts: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rx = re.compile(rule["pattern"], re.M)
    for name, text in texts.items():
        for m in rx.finditer(text):
            found[m["key"]][m["value"]].append(name)
    return {k: dict(v) for k, v in found.items()}


@pytest.mark.parametrize("rule", RULES["keyed"], ids=lambda r: r["rule"])
def test_one_value_per_key(rule):
    texts = {n: t for n, t in shipped_lines().items()}
    found = keyed_values(rule, texts)
    assert found, f"'{rule['rule']}' matches nothing"
    assert {k: v for k, v in found.items() if len(v) > 1} == {}, rule["rule"]


@cache
def shipped_lines() -> dict[str, str]:
    """Like shipped() but keeping line breaks (front-matter rules), spaces still removed."""
    texts = {}
    for path in shipped_files():
        text = path.read_text("utf-8").replace("**", "")
        texts[path.relative_to(REPO).as_posix()] = re.sub(r"[ \t\u3000]+", "", text)
    return texts


@pytest.mark.parametrize("rule", RULES["wrong"], ids=lambda r: r["why"][:20])
def test_wrong_wording_stays_out(rule):
    rx = re.compile(rule["pattern"])
    hits = [f"{name}: {m.group(0)}" for name, text in shipped().items() for m in rx.finditer(text)]
    assert hits == [], rule["why"]


@pytest.mark.parametrize("rule", RULES["sentences"], ids=lambda r: r["why"][:20])
def test_sentences_state_the_whole_rule(rule):
    assert sentence_misses(rule, shipped()) == [], rule["why"]


def test_every_rule_names_a_regulation_of_the_register():
    regs, findings = register.load(REPO / "regulations.yml", "regulations.yml")
    assert findings == [] and regs is not None
    rules = RULES["figures"] + RULES["wrong"] + RULES["sentences"]
    unknown = [r["basis"] for r in rules if split_reference(r["basis"])[0] not in regs.by_id]
    assert unknown == []


# -- the checks themselves can fail -------------------------------------------------------------
FIGURE = next(r for r in RULES["figures"] if r["rule"] == "设立支部委员会的人数以正式党员计")


def test_two_entries_stating_different_values_are_caught():
    texts = {
        "a.md": normalized("有正式党员 7 人以上的党支部，应当设立支部委员会。"),
        "b.md": normalized("党员7人以上的党支部设立支部委员会。"),
    }
    assert statements(FIGURE, texts) == {"正式党员": ["a.md"], "党员": ["b.md"]}


def test_a_local_figure_restated_differently_is_caught():
    rule = next(r for r in RULES["figures"] if r["rule"].startswith("新任党支部书记"))
    texts = {"HB.md": "新任党支部书记在任职后3个月内参加岗位培训", "P.md": "新任支部书记一般在任职半年内参加岗位培训"}
    assert set(statements(rule, texts)) == {"3个月", "半年"}


def test_the_old_wrong_wording_is_caught():
    old = {
        "P-0014": "节日慰问、聚餐等应走行政或工会经费渠道。",
        "P-0027": "找原经办人和当事人按实际日期补签",
        "HB-4.1": "党员大会讨论发展党员时，预备党员可以列席但没有表决权。",
        "HB-2.3": "在党委授权额度内的由分管领导审批",
        "C-0012": "支部每季度把重要文件、党课视频打包存入移动存储设备",
        "P-0013": "支委会审定后在支部内公示 5 个工作日，公示无异议后从当月起按新标准交纳。",
        "C-0005": "逐人核定交纳基数和比例，支委会审定后在支部内公示5天",
        "T-0003": "预备党员列席大会，没有表决权和选举权、被选举权。",
        "C-0006": "每年1月由财务科提供工资明细，组织委员核定基数，支委会审定，党员签字确认并公示；",
        "P-0036": "失去联系满6个月仍查找无果的，支委会提出意见，由支部（或上级党组织）按规定作出停止党籍的决定，报上级党委备案；",
    }
    caught = {key for key, text in old.items() for r in RULES["wrong"] if re.search(r["pattern"], normalized(text))}
    assert caught == set(old)


def test_the_right_wording_is_not_taken_for_the_wrong_one():
    right = [
        "预备党员参加大会，可以发表意见，但没有表决权、选举权和被选举权，不计入应到会有选举权的人数。",
        "支委会审定后，核定结果由党员本人签字确认，从当月起按新标准交纳；个人基数涉及工资收入，不张榜公示，支部只公布每名党员是否按时足额交纳。",
        "基数涉及个人工资，不在支部内公示。",
        "组织委员与党员本人逐一核对、由本人签字确认；基数按个人工资核定，属于个人收入信息，不张榜、不公示，支部只公布每名党员是否按时足额交纳。",
        "失去联系满6个月仍查找不到的，支委会提出停止党籍意见，附查找记录，经支部党员大会讨论决定，报分公司党委审批；党委批复前，支部不得自行宣布停止党籍。",
        "支委会书面通知限期改正，报分公司党委备案。",
    ]
    hits = [
        (r["why"][:20], text) for text in right for r in RULES["wrong"] if re.search(r["pattern"], normalized(text))
    ]
    assert hits == []


def _figure(name: str) -> dict:
    return next(r for r in RULES["figures"] if r["rule"] == name)


@pytest.mark.parametrize(
    ("rule", "text", "value"),
    [
        # HB-5.1's FAQ answer, which does not name the 新任书记 in its own sentence
        ("新任党支部书记岗位培训时限", "一般在任职半年内参加岗位培训，重点学习“三会一课”、发展党员等实务。", "半年"),
        ("新任党支部书记岗位培训时限", "新任党支部书记在任职后3个月内参加岗位培训", "3个月"),
        # P-0008
        (
            "选举结果报上级党委的时限（选举结束后）",
            "获批后正式任职；选举后一般在 1 周内上报，文书格式见 [[HB-1.4]]。",
            "1周",
        ),
        (
            "选举结果报上级党委的时限（选举结束后）",
            "收到批复后召开党员大会，选举结束后5个工作日内按模板二报送选举结果的请示",
            "5个工作日",
        ),
        # P-0014
        (
            "党费收缴、使用情况年度公布的月份",
            "6. 每年 12 月，支部在党员大会上公布全年党费收缴和使用情况，上级党委组织部门同步抽查台账。",
            "12",
        ),
        (
            "党费收缴、使用情况年度公布的月份",
            "每年1月，党群工作部编制上一年度党费收缴、使用情况，经党委审定后向党员公布",
            "1",
        ),
        # T-0001
        ("选举结果报上级党委的文种", "请将请示、批复、选举结果报告、计票单等材料一并归档。", "报告"),
        ("选举结果报上级党委的文种", "title: 选举结果报告（关于选举结果的请示）", "请示"),
    ],
)
def test_an_old_figure_or_document_name_is_read_as_such(rule, text, value):
    assert set(statements(_figure(rule), {"x.md": normalized(text)})) == {value}


def test_one_branch_with_two_member_counts_is_caught():
    rule = RULES["keyed"][0]
    texts = {"P.md": "某市供水公司第二党支部有党员42名", "C.md": "某市供水公司第二党支部有党员43名，分布在3个水厂"}
    assert keyed_values(rule, texts) == {"某市供水公司第二党支部": {"42": ["P.md"], "43": ["C.md"]}}


def test_a_sentence_on_lost_contact_without_suspension_is_caught():
    texts = {"P.md": "失去联系6个月以上、经多方查找仍联系不上的，按规定处置。"}
    assert len(sentence_misses(RULES["sentences"][0], texts)) == 1
