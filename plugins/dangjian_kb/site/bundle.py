"""The offline bundle: one zip, one top folder, ASCII names, byte-identical for the same site."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

# Fixed timestamp inside the zip so the same site gives the same bytes (zip needs >= 1980).
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


class BundleError(Exception):
    """A Chinese message a user can act on."""


# For web servers and crawlers only; 404.html also uses root-absolute addresses that break offline.
SERVER_ONLY = {"404.html", "sitemap.xml", "sitemap.xml.gz"}


def site_files(site_dir: Path) -> list[Path]:
    """Regular files of the site; symlinks are never followed (a link could point at a secret)."""
    files: list[Path] = []
    for folder, dirs, names in os.walk(site_dir, followlinks=False):
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(site_dir).as_posix()
            if rel not in SERVER_ONLY and not name.startswith(".") and not path.is_symlink() and path.is_file():
                files.append(path)
    return sorted(files, key=lambda p: p.relative_to(site_dir).as_posix())


def make_zip(site_dir: Path, out_dir: Path, slug: str, date: str) -> Path:
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise BundleError(
            f"{site_dir}: 没有找到 index.html。请先生成网站（mkdocs build），或用 --site-dir 指定网站目录。"
        )
    files = site_files(site_dir)
    bad = [p.relative_to(site_dir).as_posix() for p in files if not p.relative_to(site_dir).as_posix().isascii()]
    if bad:
        listed = "、".join(bad[:5]) + ("……" if len(bad) > 5 else "")
        raise BundleError(
            f"网站中有 {len(bad)} 个非 ASCII 文件名（{listed}），解压时可能乱码。请把这些附件改为英文或数字文件名。"
        )
    top = f"{slug}-{date}"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{top}.zip"
    tmp = target.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(site_dir).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, target)
    return target
