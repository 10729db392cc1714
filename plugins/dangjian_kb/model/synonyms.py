"""The synonym groups search adds to a query (交党费 ~ 党费收缴): data a maintainer edits in one
YAML file, read safely (no aliases, size caps) and checked like the taxonomy."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from dangjian_kb.model import yamlsafe

SHIPPED = "dangjian_kb/data/synonyms.yml"
_MARKUP = re.compile(r"[<>\x00-\x1f\x7f-\x9f]")


class SynonymsError(ValueError):
    """The synonyms file is unusable; the message is Chinese and names the file."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: KB037 {detail}" if line else f"{path}: KB037 {detail}")
        self.path, self.line, self.detail = path, line, detail


def load(path: Path | None = None) -> list[list[str]]:
    """The groups of ``path`` if it exists, else the shipped list (as the taxonomy falls back to its default)."""
    name = str(path) if path is not None and path.is_file() else SHIPPED
    try:
        if path is not None and path.is_file():
            src = path.read_text("utf-8-sig")
        else:
            src = resources.files("dangjian_kb").joinpath("data", "synonyms.yml").read_text("utf-8")
        data = yamlsafe.load(src) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsError(name, 0, f"无法读取同义词文件（{exc}）。请以 UTF-8 保存。") from None
    except yamlsafe.YamlRefused as exc:
        raise SynonymsError(name, exc.line, f"同义词文件{exc}") from None
    groups = data.get("groups", []) if isinstance(data, dict) else []
    out: list[list[str]] = []
    for group in groups if isinstance(groups, list) else []:
        words = [str(w) for w in group if isinstance(w, (str, int))] if isinstance(group, list) else []
        bad = next((w for w in words if _MARKUP.search(w)), None)
        if bad is not None:
            raise SynonymsError(
                name, 0, f"同义词 '{bad[:30]}' 含有 HTML 标记或控制字符。同义词只能是文字，请删除标记。"
            )
        out.append(words)
    return out
