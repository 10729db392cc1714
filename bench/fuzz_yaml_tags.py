"""Every YAML tag over every kind of file `check` reads (register, regulations, synonyms,
taxonomy, standards, front matter): no traceback, ever. One `dangjian-kb check` child per case.

    .venv/bin/python bench/fuzz_yaml_tags.py
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

CLI = str(pathlib.Path(sys.executable).parent / "dangjian-kb")
TAGS = [
    "!!int",
    "!!float",
    "!!timestamp",
    "!!binary",
    "!!bool",
    "!!null",
    "!!str",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!seq",
    "!!map",
    "!!merge",
    "!!python/name:os.system",
    "!!value",
    "!<tag:yaml.org,2002:int>",
    "!local",
    "!!yaml",
]
VALUES = ["x", "1e999", "-", "[1]", "{a: 1}", "", "2026-13-45", "0x", "'a'", "=", "<<"]
FILES = {
    "organizations.yml": "organizations:\n  - id: ORG-001\n    name: 测试党委\n    level: 党委\n    type: 企业\n    elected: {v}\n    term: {v}\n",
    "regulations.yml": "regulations:\n  - id: a\n    title: {v}\n    status: {v}\n    date: {v}\n",
    "synonyms.yml": "groups:\n  - [交党费, {v}]\nelsewhere:\n  anchors: [{v}]\n  topics:\n    - {{ask: {v}, words: [{v}]}}\n",
    "taxonomy.yml": "categories:\n  - name: {v}\n    slug: {v}\n    topics: [{v}]\n",
    "standards/s.yml": "id: {v}\ntitle: {v}\nlevels:\n  - {{name: 达标, pass: {v}}}\naspects:\n  - id: {v}\n    items: {v}\n",
    "problems/P-0001-x.md": "---\nid: P-0001\ntitle: {v}\nupdated: {v}\ntags: [{v}]\n---\n\n## 问题描述\n\nx\n",
}
bad = n = 0
cases = [(f, t, v) for f in FILES for t in TAGS for v in VALUES]
for f, t, v in cases:
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        (root / "problems").mkdir()
        (root / "standards").mkdir()
        (root / f).write_text(FILES[f].format(v=f"{t} {v}"), "utf-8")
        p = subprocess.run([CLI, "check", str(root)], capture_output=True, text=True, timeout=30)
        n += 1
        if "Traceback" in p.stderr + p.stdout or p.returncode not in (0, 1, 2):
            bad += 1  # noqa: SIM113
            print("TRACEBACK", f, t, v, (p.stderr.strip().splitlines() or [""])[-1][:150])
print(f"{n} cases, {bad} tracebacks")
raise SystemExit(1 if bad else 0)
