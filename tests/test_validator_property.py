"""No input, however broken, produces a traceback; every finding is one actionable Chinese line."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    CASE_BODY,
    CASE_FIELDS,
    CHAPTER_BODY,
    CHAPTER_FIELDS,
    PROBLEM_BODY,
    PROBLEM_FIELDS,
    SECTION_BODY,
    SECTION_FIELDS,
    TODAY,
    KBBuilder,
    render,
)
from dangjian_kb.model.findings import CODES
from dangjian_kb.model.knowledge_base import KnowledgeBase

CJK = re.compile(r"[\u4e00-\u9fff]")

# What a hand-editor's slip is made of: YAML and Markdown syntax, full-width look-alikes, whitespace.
SLIPS = list(":：-—－[]{}【】,，、#&*!|>'\"`%@?\\\t\n\r \u3000\ufeff\x1f0123456789PCHB.") + ["---", "...", "\n---\n"]
slip = st.one_of(st.sampled_from(SLIPS), st.characters(blacklist_categories=("Cs",)))


def pieces(strategy: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(strategy, max_size=max_size).map("".join)


VALID = {
    "problems/P-0001-示例.md": (PROBLEM_FIELDS, PROBLEM_BODY),
    "cases/C-0001-示例.md": (CASE_FIELDS, CASE_BODY),
    "handbook/HB-1.md": (CHAPTER_FIELDS, CHAPTER_BODY),
    "handbook/HB-1.1.md": (SECTION_FIELDS, SECTION_BODY),
}
FIELD_NAMES = sorted(
    {k for fields, _ in VALID.values() for k in fields}
    | {"related", "basis", "review_months", "contributor", "public_numbers", "标题", "catgory"}
)

yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["P-0001", "HB-1", "2024-02-30", "2024年5月", "组织建设", "", "~", "[]"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def shared_kb(tmp_path_factory) -> KBBuilder:
    """One knowledge base per module: each example rewrites the files it needs."""
    return KBBuilder(tmp_path_factory.mktemp("property") / "kb")


def assert_findings_are_well_formed(builder: KBBuilder) -> KnowledgeBase:
    result = builder.check(today=TODAY)
    for f in result.findings:
        assert f.code in CODES, f
        assert f.message.strip() and CJK.search(f.message), f
        assert "\n" not in f.message and "\r" not in f.message, f"not one line: {f.message!r}"
        assert f.line >= 0 and not f.path.startswith("/"), f
        assert str(f).startswith(f"{f.location()}: {f.code} ")
    # every entry that passed is addressable and its relations resolve
    for e in result.entries:
        assert e.url.isascii()
        for other in result.graph.neighbours(e.id):
            assert other in result.by_id
    return result


def clear(builder: KBBuilder) -> None:
    for old in builder.root.rglob("*.md"):
        old.unlink()


def reset(builder: KBBuilder, rel: str, content: str | bytes) -> None:
    clear(builder)
    builder.write(rel, content)


common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@common
@given(text=st.one_of(st.text(), pieces(slip, 200).map(lambda t: "---\n" + t)), rel=st.sampled_from(sorted(VALID)))
def test_random_text_never_crashes(shared_kb, text, rel):
    reset(shared_kb, rel, text)
    assert_findings_are_well_formed(shared_kb)


@common
@given(raw=st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: b"---\nid: P-0001\n" + b)))
def test_random_bytes_never_crash(shared_kb, raw):
    reset(shared_kb, "problems/P-0001-示例.md", raw)
    assert_findings_are_well_formed(shared_kb)


@st.composite
def mutated(draw) -> tuple[str, str]:
    """A valid file with its front matter edited by hand: characters inserted, deleted or replaced."""
    rel = draw(st.sampled_from(sorted(VALID)))
    fields, body = VALID[rel]
    text = render(fields, body)
    end = text.index("\n---", 3) + 4
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, end))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(slip)
        if op == "insert":
            text = text[:pos] + char + text[pos:]
            end += len(char)
        elif op == "delete":
            text = text[:pos] + text[pos + 1 :]
            end = max(end - 1, 0)
        else:
            text = text[:pos] + char + text[pos + 1 :]
    return rel, text


@common
@given(case=mutated())
def test_mutated_front_matter_never_crashes(shared_kb, case):
    rel, text = case
    reset(shared_kb, rel, text)
    assert_findings_are_well_formed(shared_kb)


@common
@given(
    rel=st.sampled_from(sorted(VALID)),
    changes=st.dictionaries(st.sampled_from(FIELD_NAMES), yaml_values, min_size=1, max_size=4),
)
def test_any_yaml_value_in_any_field_never_crashes(shared_kb, rel, changes):
    fields, body = VALID[rel]
    # None would drop the field in render(); write YAML null explicitly instead.
    merged = {**fields, **{k: ("null" if v is None else v) for k, v in changes.items()}}
    reset(shared_kb, rel, render(merged, body))
    assert_findings_are_well_formed(shared_kb)


@common
@given(
    body=pieces(
        st.one_of(
            st.sampled_from(
                [
                    "\n",
                    "## ",
                    "### ",
                    "1. ",
                    "1、",
                    "```",
                    "~~~",
                    "`",
                    "[[",
                    "]]",
                    "|",
                    "](",
                    ")",
                    "<script>",
                    " onclick=",
                    "javascript:",
                    "问题描述",
                    "解决建议",
                    "实施步骤",
                    "P-0001",
                    "../",
                    ".md",
                    "#",
                ]
            ),
            slip,
        ),
        60,
    )
)
def test_random_body_never_crashes(shared_kb, body):
    reset(shared_kb, "problems/P-0001-示例.md", render(PROBLEM_FIELDS, body))
    assert_findings_are_well_formed(shared_kb)


ID_POOL = ["P-0001", "P-0002", "P-12", "C-0001", "C-0002", "HB-1", "HB-1.1", "HB-2.3", "hb-1", "x", ""]


@st.composite
def knowledge_bases(draw) -> dict[str, str]:
    """Several entries with ids, related lists and links drawn from a small pool, so they collide and cross."""
    files: dict[str, str] = {}
    for n in range(draw(st.integers(1, 6))):
        folder, fields, body = draw(
            st.sampled_from(
                [
                    ("problems", PROBLEM_FIELDS, PROBLEM_BODY),
                    ("cases", CASE_FIELDS, CASE_BODY),
                    ("handbook", SECTION_FIELDS, SECTION_BODY),
                ]
            )
        )
        entry_id = draw(st.sampled_from(ID_POOL))
        related = draw(st.lists(st.sampled_from(ID_POOL), max_size=3))
        links = draw(st.lists(st.sampled_from(ID_POOL + ["../cases/C-0001-示例.md", "P-0002-示例.md"]), max_size=3))
        text = "".join(f"[[{t}]] " if not t.endswith(".md") else f"[文件]({t}) " for t in links)
        name = draw(st.sampled_from([f"{entry_id}-示例.md", f"{entry_id}.md", f"{n}.md"]))
        merged = {**fields, "id": entry_id or '""', "related": related}
        files[f"{folder}/{name}"] = render(merged, body + "\n" + text + "\n")
    return files


@common
@given(files=knowledge_bases())
def test_random_knowledge_base_never_crashes_and_relations_are_symmetric(shared_kb, files):
    clear(shared_kb)
    for rel, text in files.items():
        shared_kb.write(rel, text)
    result = assert_findings_are_well_formed(shared_kb)
    assert len({e.id for e in result.entries}) == len(result.entries)  # duplicates keep one file
    for e in result.entries:
        for other in result.graph.neighbours(e.id):
            assert e.id in result.graph.neighbours(other)
