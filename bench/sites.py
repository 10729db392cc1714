"""Shared by the benchmarks: synthetic knowledge bases (cached) and MkDocs builds of them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
MKDOCS = REPO / ".venv" / "bin" / "mkdocs"
sys.path.insert(0, str(BENCH))

import synth  # noqa: E402


def corpus(entries: int, seed: int = 1) -> Path:
    """A synthetic KB of ``entries`` entries, generated once per (N, seed, synth.py)."""
    out = OUT / f"kb-{entries}-s{seed}"
    marker = out / ".generated"
    key = f"{entries}:{seed}:{os.path.getmtime(BENCH / 'synth.py')}"
    if not (marker.is_file() and marker.read_text() == key):
        synth.generate(out, entries, seed)
        marker.write_text(key)
    return out


def write_config(kb: Path, name: str, plugins: str, features: str = "navigation.prune") -> Path:
    """An mkdocs.yml for ``kb`` using the project's docs/ pages; ``plugins`` is YAML list text."""
    cfg = kb / f"mkdocs-{name}.yml"
    docs = kb / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# 首页\n\n<!-- dangjian-kb:latest -->\n", "utf-8")
    cfg.write_text(
        f"site_name: bench\ndocs_dir: docs\nsite_dir: site-{name}\nuse_directory_urls: false\n"
        f"theme:\n  name: material\n  language: zh\n  font: false\n  features: [{features}]\n"
        f"plugins:\n{plugins}\n", "utf-8")
    return cfg


KB_PLUGINS = "  - search:\n      lang: zh\n      separator: '[\\s\\u200b\\-]+'\n  - dangjian-kb\n  - offline\n"


def build(cfg: Path, extra_env: dict | None = None) -> tuple[float, float]:
    """Run `mkdocs build` as a child; return wall seconds and the child's peak RSS in MB."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1764115200", **(extra_env or {}))
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(MKDOCS), "build", "-q", "-f", str(cfg)], stdout=subprocess.DEVNULL,
                                stderr=err, env=env)
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"mkdocs build -f {cfg} failed:\n{err.read()[-3000:]}")
    return wall, rusage.ru_maxrss / 1024


def site_dir(cfg: Path) -> Path:
    return cfg.parent / ("site-" + cfg.stem.removeprefix("mkdocs-"))
