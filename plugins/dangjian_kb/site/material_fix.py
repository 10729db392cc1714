"""A targeted fix for mkdocs-material's Chinese query segmentation (search worker).

Material splits a Chinese query greedily against the words of its index, but its loop stops
one character short, so the last word of `党费收缴` is never looked up and `党员发展对象`
searches `党员* 发展* 对*`. We patch the two loop bounds in the built worker script when the
exact minified code is there (material 9.8 as pinned); otherwise we leave the file alone."""

from __future__ import annotations

from pathlib import Path

_FIXES = (
    ("for(let o=s+1;o<t.length;o++)t.slice(s,o)in e", "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e"),
    ("n[a]&&a<t.length-1&&(i[s++]=a)", "n[a]&&a<t.length&&(i[s++]=a)"),
)


def fix_segmenter(js: str) -> str | None:
    """The worker script with the fix applied, or None when its code is not the known one."""
    if not all(old in js for old, _ in _FIXES):
        return None
    for old, new in _FIXES:
        js = js.replace(old, new, 1)
    return js


def patch_site(site_dir: Path) -> bool:
    workers = sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    patched = False
    for path in workers:
        fixed = fix_segmenter(path.read_text("utf-8"))
        if fixed is not None:
            path.write_text(fixed, "utf-8")
            patched = True
    return patched
