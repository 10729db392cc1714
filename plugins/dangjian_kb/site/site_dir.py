"""Where the site may be written. MkDocs empties the site folder before every build
(`--clean`), so a folder that is a symlink, the project itself, or someone else's folder
outside the project must be refused before that happens.

Outside the project, a folder is accepted only when it is new, empty, or one of our earlier
builds (it holds ``MARKER``): tests and CI build into temporary folders, nobody loses a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = ".dangjian-kb-site"
MARKER_TEXT = "由基层党建知识库生成的网站目录：每次生成前会被清空。\n"


def problem(site_dir: Path, project: Path) -> str | None:
    """Why the build must not write to ``site_dir`` (Chinese, for the user), or None."""
    absolute = Path(os.path.abspath(site_dir))
    shown = f"网站目录 '{site_dir}'"
    for part in (absolute, *absolute.parents):
        if part.is_symlink():
            return f"{shown} 是（或位于）符号链接 '{part}'，生成时会清空链接指向的目录，已拒绝。请在 mkdocs.yml 的 site_dir 中写一个普通目录。"
    real, home = absolute.resolve(), project.resolve()
    if real == home or real in home.parents:
        return f"{shown} 是项目目录本身或其上级，生成时会被清空，已拒绝。请写一个子目录，如 site_dir: site。"
    if real == Path(real.anchor):
        return f"{shown} 是根目录，已拒绝。请写一个子目录，如 site_dir: site。"
    inside = home in real.parents
    if inside or not real.exists():
        return None
    if not real.is_dir():
        return f"{shown} 已存在且不是目录，已拒绝。请换一个目录。"
    if (real / MARKER).is_file() or not any(real.iterdir()):
        return None
    return f"{shown} 在项目之外且已有其他文件，生成时会被清空，已拒绝。请写项目内的目录，或换一个空目录。"


def mark(site_dir: Path) -> None:
    (site_dir / MARKER).write_text(MARKER_TEXT, "utf-8")
