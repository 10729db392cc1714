"""A YAML tag that cannot build its value (`!!bool x`, `!!timestamp x`, `!!int x` …) in any file a
maintainer or contributor edits is a finding, never a traceback: every loader catches what
PyYAML's constructors raise (model/yamlsafe.CONSTRUCTOR_ERRORS). bench-style fuzzing over all
tags found these; the cases below are one per file and constructor error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dangjian_kb import cli

FILES = {
    "organizations.yml": "organizations:\n  - id: ORG-001\n    name: 测试党委\n    level: 党委\n    type: 企业\n    term: {v}\n",
    "regulations.yml": "regulations:\n  - id: a\n    title: {v}\n    status: 现行\n",
    "synonyms.yml": "groups:\n  - [交党费, {v}]\n",
    "taxonomy.yml": "categories:\n  - name: {v}\n    slug: a\n    topics: [x]\n",
    "standards/s.yml": "id: s\ntitle: {v}\naspects: []\n",
    "problems/P-0001-x.md": "---\nid: P-0001\ntitle: {v}\n---\n\n## 问题描述\n\n某支部。\n",
}
TAGGED = ["!!bool x", "!!timestamp x", "!!int x", "!!float x", "!!binary x", "!<tag:yaml.org,2002:int> ''"]


@pytest.mark.parametrize("tagged", TAGGED)
@pytest.mark.parametrize("name", sorted(FILES))
def test_a_tag_that_cannot_build_its_value_is_a_finding(tmp_path: Path, capsys, name: str, tagged: str):
    for folder in ("problems", "standards"):
        (tmp_path / folder).mkdir()
    (tmp_path / name).write_text(FILES[name].format(v=tagged), "utf-8")
    code = cli.main(["check", str(tmp_path)])
    out = capsys.readouterr()
    assert code in (1, 2) and "Traceback" not in out.out + out.err
    assert name.split("/")[-1] in out.out + out.err  # the file is named
