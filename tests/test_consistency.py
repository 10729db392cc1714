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
CONTENT = ("handbook", "problems", "cases")


def normalized(text: str) -> str:
    """Chinese prose needs no spaces: '7 人以上' and '7人以上' are one statement; bold marks go too."""
    return re.sub(r"\s+", "", text).replace("**", "")


@cache
def shipped() -> dict[str, str]:
    texts = {}
    for folder in CONTENT:
        for path in sorted((REPO / folder).rglob("*.md")):
            texts[path.relative_to(REPO).as_posix()] = normalized(path.read_text("utf-8"))
    return texts


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
    for folder in CONTENT:
        for path in sorted((REPO / folder).rglob("*.md")):
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
    }
    caught = {key for key, text in old.items() for r in RULES["wrong"] if re.search(r["pattern"], normalized(text))}
    assert caught == set(old)


def test_one_branch_with_two_member_counts_is_caught():
    rule = RULES["keyed"][0]
    texts = {"P.md": "某市供水公司第二党支部有党员42名", "C.md": "某市供水公司第二党支部有党员43名，分布在3个水厂"}
    assert keyed_values(rule, texts) == {"某市供水公司第二党支部": {"42": ["P.md"], "43": ["C.md"]}}


def test_a_sentence_on_lost_contact_without_suspension_is_caught():
    texts = {"P.md": "失去联系6个月以上、经多方查找仍联系不上的，按规定处置。"}
    assert len(sentence_misses(RULES["sentences"][0], texts)) == 1
