"""The knowledge base the project ships is the first thing every user sees: it must be
clean under `check` and cover the taxonomy."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from dangjian_kb.check import validate
from dangjian_kb.model.collection import is_chapter

REPO = Path(__file__).resolve().parents[1]
MINIMUM = {"handbook": 35, "problems": 65, "cases": 28}
# A fixed reading date: review deadlines of the shipped sections are judged against it, so the test
# does not start failing on the day a section falls due (`check` in CI reports that as a warning).
AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def shipped() -> validate.KnowledgeBase:
    return validate.load(REPO, REPO / "taxonomy.yml", AS_OF)


def test_check_reports_nothing_at_all(shipped):
    assert [str(f) for f in shipped.findings] == []


@pytest.mark.parametrize("collection", sorted(MINIMUM))
def test_each_collection_has_its_minimum(shipped, collection):
    entries = [e for e in shipped.of(collection) if not is_chapter(e.id)]
    assert len(entries) >= MINIMUM[collection]


def test_every_topic_has_a_problem(shipped):
    covered = {e.topic for e in shipped.of("problems")}
    assert [t for t in shipped.taxonomy.all_topics() if t not in covered] == []


def test_problems_come_from_all_three_sources_and_cases_are_of_all_three_kinds(shipped):
    assert set(Counter(e.meta["source"] for e in shipped.of("problems"))) == {"反馈", "巡视检查", "日常运行"}
    assert set(Counter(e.meta["kind"] for e in shipped.of("cases"))) == {"成功经验", "创新做法", "经验教训"}


def test_every_chapter_has_three_to_ten_sections(shipped):
    sections = Counter(e.id.split(".")[0] for e in shipped.of("handbook") if not is_chapter(e.id))
    chapters = [e.id for e in shipped.of("handbook") if is_chapter(e.id)]
    assert len(chapters) == len(shipped.taxonomy.categories)
    assert all(3 <= sections[c] <= 10 for c in chapters), sections


def test_every_problem_links_a_handbook_section_and_every_case_a_problem(shipped):
    def linked(e, prefix):
        return [i for i in shipped.graph.neighbours(e.id) if i.startswith(prefix)]

    assert [e.id for e in shipped.of("problems") if not linked(e, "HB-")] == []
    assert [e.id for e in shipped.of("cases") if not linked(e, "P-")] == []


def test_shipped_basis_cites_register_ids_not_titles(shipped):
    """A title resolves too (free text written before the register), but a renamed title would
    silently stop resolving: the shipped entries cite the register's ids."""
    from dangjian_kb.model.regulations import split_reference

    by_title = [
        (e.id, item)
        for e in shipped.entries
        for item in e.meta.get("basis", [])
        if split_reference(str(item))[0] not in shipped.regulations.by_id
    ]
    assert by_title == []
