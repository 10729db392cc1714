"""A long run of one character (a paste gone wrong, or an attacker's entry) is read in linear
time everywhere a line goes: the check, the search index's sections and the Word export. Each
run below once made a regular expression backtrack for seconds or minutes (found by
bench/fuzz.py and a sweep of the package's patterns); a line may hold up to 20,000 characters."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dangjian_kb.check import validate
from dangjian_kb.model import rendering
from dangjian_kb.search import passages
from dangjian_kb.site import docx_export

REPO = Path(__file__).resolve().parents[1]
N = 19_000
RUNS = {
    "braces": "{" * N,
    "attribute ids": "{#a " * (N // 4),
    "spaces": " " * N + "x",
    "tabs": "\t" * N + "x",
    "digits": "1" * N,
    "digit pairs": "1 " * (N // 2),
    "quote marks": "> " * (N // 2),
    "open placeholders": "{{" * (N // 2),
    "open links": "[[" * (N // 2),
    "link brackets": "[](" * (N // 3),
}
LIMIT_S = 1.0  # CPU seconds; each of these took 1.6 s to minutes before


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shipped")
    for folder in ("handbook", "problems", "cases", "templates", "standards"):
        shutil.copytree(REPO / folder, root / folder)
    for name in ("taxonomy.yml", "synonyms.yml", "regulations.yml", "organizations.yml"):
        shutil.copy(REPO / name, root / name)
    return root


_BASELINE: dict[Path, float] = {}


def _check_cpu(shipped: Path, path: Path, text: str) -> float:
    """CPU seconds that ``path`` holding ``text`` adds to a whole check of the shipped knowledge
    base (the check of the other 155 files, measured once, is taken off: it depends on the host,
    the long line is what is judged); the file is put back after."""
    if shipped not in _BASELINE:
        _BASELINE[shipped] = min(_cpu(lambda: validate.load(shipped)) for _ in range(2))
    original = path.read_text("utf-8") if path.exists() else None
    path.write_text(text, "utf-8")
    try:
        return _cpu(lambda: validate.load(shipped)) - _BASELINE[shipped]
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_text(original, "utf-8")


@pytest.mark.parametrize("name", RUNS)
def test_check_reads_a_long_run_in_linear_time(shipped: Path, name: str):
    run = RUNS[name]
    text = (
        f"---\nid: P-9999\ntitle: 长行{run}\ncategory: 制度建设\ntopic: 党费管理\nsource: 自查\n---\n"
        f"## 问题描述\n\n达标验收访谈{run}个方面\n\n## 解决方案\n\n{run}\n\n## 实施步骤\n\n1. 删除长行\n"
    )
    cpu = _check_cpu(shipped, shipped / "problems" / "P-9999-长行.md", text)
    assert cpu < LIMIT_S, f"check took {cpu:.2f} CPU s with a line of {name}"


@pytest.mark.parametrize("name", RUNS)
def test_check_reads_a_long_run_in_a_field_in_linear_time(shipped: Path, name: str):
    run = RUNS[name].replace("\n", " ")
    text = (
        f"---\nid: 'P{run}x'\ntitle: 长值\ncategory: 制度建设\ntopic: 党费管理\nsource: 自查\n"
        f"updated: '2024{run}x'\n---\n## 问题描述\n\n文字\n\n## 解决方案\n\n文字\n\n## 实施步骤\n\n1. 文字\n"
    )
    cpu = _check_cpu(shipped, shipped / "problems" / "P-9999-长值.md", text)
    assert cpu < LIMIT_S, f"check took {cpu:.2f} CPU s with a field value of {name}"


@pytest.mark.parametrize("name", RUNS)
def test_check_reads_a_long_run_in_a_template_in_linear_time(shipped: Path, name: str):
    run = RUNS[name]
    template = next((shipped / "templates").glob("T-*.md"))
    head, _, body = template.read_text("utf-8").partition("\n---\n")
    cpu = _check_cpu(shipped, template, f"{head}\n---\n# {run}\n\n{run}\n\n{run}年 月 日x\n\n{body}")
    assert cpu < LIMIT_S, f"check took {cpu:.2f} CPU s with a template line of {name}"


@pytest.mark.parametrize("name", RUNS)
def test_search_sections_read_a_long_heading_in_linear_time(name: str):
    cpu = _cpu(lambda: passages.split(f"## 标题 {RUNS[name]}\n\n正文"))
    assert cpu < LIMIT_S, f"sections took {cpu:.2f} CPU s with a heading of {name}"


@pytest.mark.parametrize("name", RUNS)
def test_word_export_reads_a_long_line_in_linear_time(name: str):
    run = RUNS[name]
    body = f"# {run}\n\n| 项目 | 内容 |\n{run}\n## {run}\n- {run}\n[{run}](x)\n{run}年 月 日x\n"
    cpu = _cpu(lambda: docx_export.build("标题", body, ()))
    assert cpu < LIMIT_S, f"the Word file took {cpu:.2f} CPU s with a line of {name}"


@pytest.mark.parametrize("container", ["", "- ", "1. ", "!!! note\n\n    ", "- 条目\n\n    "])
def test_deeply_nested_quotes_render_in_linear_time(container: str):
    # each level of quote was parsed again over the rest of the block: 50,000 levels took seconds,
    # at the margin and inside a list item or an admonition alike
    render = rendering.renderer()
    cpu = _cpu(lambda: render(container + "> " * 50_000 + "x"))
    assert cpu < LIMIT_S, f"rendering took {cpu:.2f} CPU s for quotes nested 50,000 deep in {container!r}"
