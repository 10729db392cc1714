"""The fix of mkdocs-material's query segmentation applies to the pinned material release."""

from __future__ import annotations

from importlib import resources

from dangjian_kb.site import material_fix


def _worker() -> str:
    workers = resources.files("material").joinpath("templates", "assets", "javascripts", "workers")
    (name,) = [p.name for p in workers.iterdir() if p.name.startswith("search.") and p.name.endswith(".min.js")]
    return workers.joinpath(name).read_text("utf-8")


def test_the_pinned_material_worker_is_patched_at_both_loop_bounds():
    fixed = material_fix.fix_segmenter(_worker())
    assert fixed is not None
    assert "o<=t.length" in fixed and "a<t.length&&" in fixed


def test_unknown_code_is_left_alone():
    assert material_fix.fix_segmenter("function fe(t,e){return t}") is None
