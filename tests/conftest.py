"""Shared test helper: build a small knowledge base in ``tmp_path``, one valid file at a time.

Each test states only what differs from a valid file::

    def test_bad_source(kb):
        path = kb.problem(source="巡视")
        f = kb.one("KB019")
        assert f.line == kb.line(path, "source:")

``kb.problem / .case / .section / .chapter`` write a valid entry of that collection and
return its path relative to the root (``"problems/P-0001-示例.md"``). Keyword arguments
replace front-matter fields (``None`` removes the field, ``str`` is written as typed,
lists are written in flow style ``[a, b]``); ``body=`` replaces the body, ``name=`` the
file name, ``folder=`` the sub-folder. ``kb.write`` writes raw text or bytes anywhere;
``kb.edit`` replaces text in a file already written. ``kb.check()`` validates the whole
tree and returns the ``KnowledgeBase``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dangjian_kb.check import validate
from dangjian_kb.model.findings import Finding
from dangjian_kb.model.knowledge_base import KnowledgeBase

# Fixed "today" so review dates never go stale: every default `reviewed` is well within 12 months.
TODAY = dt.date(2026, 6, 1)

PROBLEM_FIELDS = {
    "id": "P-0001",
    "title": "党费逾期未缴",
    "category": "制度建设",
    "topic": "党费管理",
    "source": "日常运行",
    "tags": ["党费", "催缴"],
    "updated": "2026-03-15",
}
PROBLEM_BODY = """
## 问题描述

部分党员连续三个月没有按月交纳党费，支部也没有及时提醒。

## 解决建议

支部书记当面提醒，讲清按月交纳党费的规定，并建立催缴台账。

## 实施步骤

1. 组织委员核对党费台账，列出逾期名单。
2. 支部书记逐人谈话提醒，登记补交情况。
3. 支部委员会每月通报一次收缴情况。
"""

CASE_FIELDS = {
    "id": "C-0001",
    "title": "党费线上收缴与自动提醒",
    "category": "制度建设",
    "topic": "党费管理",
    "kind": "成功经验",
    "unit": "某市供水公司第二党支部",
    "date": "2025-03",
    "tags": ["党费", "线上收缴"],
}
CASE_BODY = """
## 背景

支部党员分散在三个班组，按月收缴党费常常拖到月底。

## 实施过程

支部开通线上收缴，每月 5 日自动提醒，组织委员每周核对一次。

## 取得成效

按时交纳率从 70% 提高到 98%。

## 关键因素

支部书记带头，组织委员每周核对台账。
"""

SECTION_FIELDS = {
    "id": "HB-1.1",
    "title": "党组织设置与组织覆盖",
    "category": "组织建设",
    "topic": "组织覆盖",
    "owner": "党委组织部",
    "reviewed": "2026-05-20",
}
SECTION_BODY = """
## 职责

党委组织部负责党组织设置的审批和组织覆盖的排查。

## 工作流程

1. 摸清党员人数。
2. 提交成立党支部的请示。
"""

CHAPTER_FIELDS = {
    "id": "HB-1",
    "title": "第一章 组织建设",
    "category": "组织建设",
}
CHAPTER_BODY = """
组织建设是党支部一切工作的基础。
"""


def yaml_value(value: object) -> str:
    """How a test's value is written after ``key: ``: strings exactly as typed, the rest as YAML flow."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(value) + "]"
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def render(fields: dict[str, object], body: str) -> str:
    lines = ["---", *(f"{k}: {yaml_value(v)}" for k, v in fields.items() if v is not None), "---"]
    return "\n".join(lines) + "\n" + body


class KBBuilder:
    def __init__(self, root: Path) -> None:
        self.root = root

    # -- writing -----------------------------------------------------------------------------
    def write(self, rel: str, content: str | bytes) -> str:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return rel

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text("utf-8")

    def edit(self, rel: str, old: str, new: str) -> str:
        """Replace the first ``old`` in a written file (which must contain it) by ``new``."""
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        return self.write(rel, text.replace(old, new, 1))

    def _entry(
        self,
        folder: str,
        defaults: dict,
        default_body: str,
        id: object,
        name: str | None,
        body: str | None,
        sub: str | None,
        overrides: dict,
    ) -> str:
        fields = {**defaults, "id": id, **overrides}
        if name is None:
            name = f"{id}-示例.md" if folder != "handbook" and isinstance(id, str) else f"{id}.md"
        rel = "/".join(p for p in (folder, sub, name) if p)
        return self.write(rel, render(fields, default_body if body is None else body))

    def problem(
        self,
        id: object = "P-0001",
        *,
        name: str | None = None,
        body: str | None = None,
        folder: str | None = None,
        **fields: object,
    ) -> str:
        return self._entry("problems", PROBLEM_FIELDS, PROBLEM_BODY, id, name, body, folder, fields)

    def case(
        self,
        id: object = "C-0001",
        *,
        name: str | None = None,
        body: str | None = None,
        folder: str | None = None,
        **fields: object,
    ) -> str:
        return self._entry("cases", CASE_FIELDS, CASE_BODY, id, name, body, folder, fields)

    def section(
        self,
        id: object = "HB-1.1",
        *,
        name: str | None = None,
        body: str | None = None,
        folder: str | None = None,
        **fields: object,
    ) -> str:
        return self._entry("handbook", SECTION_FIELDS, SECTION_BODY, id, name, body, folder, fields)

    def chapter(
        self,
        id: object = "HB-1",
        *,
        name: str | None = None,
        body: str | None = None,
        folder: str | None = None,
        **fields: object,
    ) -> str:
        return self._entry("handbook", CHAPTER_FIELDS, CHAPTER_BODY, id, name, body, folder, fields)

    # -- checking ----------------------------------------------------------------------------
    def check(self, today: dt.date | None = TODAY, taxonomy_path: Path | None = None) -> KnowledgeBase:
        return validate.load(self.root, taxonomy_path, today)

    def findings(self, code: str | None = None, **kw: object) -> list[Finding]:
        return [f for f in self.check(**kw).findings if code is None or f.code == code]

    def codes(self, **kw: object) -> list[str]:
        return [f.code for f in self.check(**kw).findings]

    def one(self, code: str, **kw: object) -> Finding:
        """The single finding with ``code``; fails listing every finding when there is not exactly one."""
        all_findings = self.check(**kw).findings
        found = [f for f in all_findings if f.code == code]
        assert len(found) == 1, f"expected one {code}, got:\n" + "\n".join(map(str, all_findings))
        return found[0]

    def line(self, rel: str, needle: str) -> int:
        """1-based line number of the first line of ``rel`` containing ``needle``."""
        for i, text in enumerate(self.read(rel).split("\n"), 1):
            if needle in text:
                return i
        raise AssertionError(f"{needle!r} not in {rel}")


@pytest.fixture
def kb(tmp_path: Path) -> KBBuilder:
    root = tmp_path / "kb"
    root.mkdir()
    return KBBuilder(root)


@pytest.fixture(scope="session")
def kb_factory(tmp_path_factory: pytest.TempPathFactory):
    """``kb_factory(name)`` gives a fresh ``KBBuilder`` in its own directory, for fixtures wider
    than one test (a site built once and read by a whole module)."""

    def make(name: str = "kb") -> KBBuilder:
        return KBBuilder(tmp_path_factory.mktemp(name))

    return make


# ---------------------------------------------------------------- Debian's Chromium, started once
@pytest.fixture(scope="session")
def chrome():
    """One browser for the run; without Chromium the browser tests fail with an install hint."""
    import browser

    browser.require()
    with browser.chromium() as c:
        yield c


# ---------------------------------------------------------------- the shipped site, built once
BUILD_ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1764115200")


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    """The repository's own knowledge base built once per test session; tests only read it."""
    repo = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("shipped") / "site"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run(
        [str(mkdocs), "build", "-q", "-f", str(repo / "mkdocs.yml"), "-d", str(out)],
        cwd=repo,
        env=BUILD_ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return out
