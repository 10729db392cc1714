"""The taxonomy (categories and their topics) is data a maintainer edits in one YAML file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dangjian_kb.model import yamlsafe


class TaxonomyError(Exception):
    """The taxonomy file itself is unusable; the message is Chinese and names the file."""


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    source: str

    def names(self) -> list[str]:
        return [c.name for c in self.categories]

    def get(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def all_topics(self) -> list[str]:
        return [t for c in self.categories for t in c.topics]

    def category_of_topic(self, topic: str) -> str | None:
        return next((c.name for c in self.categories if topic in c.topics), None)


DEFAULT_FILE = "taxonomy.yml"


def default_text() -> str:
    return resources.files("dangjian_kb").joinpath("data", DEFAULT_FILE).read_text("utf-8")


def load(path: Path | None) -> Taxonomy:
    """Load ``path`` if it exists, else the shipped default (the five focuses)."""
    if path is not None and path.is_file():
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise TaxonomyError(f"{path}: KB037 无法读取分类文件（{exc}）。请确认文件存在且以 UTF-8 保存。") from None
        return parse(text, str(path))
    return parse(default_text(), "dangjian_kb/data/taxonomy.yml")


def parse(text: str, source: str) -> Taxonomy:
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlRefused as exc:
        raise TaxonomyError(f"{source}:{exc.line}: KB037 分类文件{exc}") from None
    items = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise TaxonomyError(f"{source}: KB037 分类文件缺少 'categories' 列表。请参照默认分类文件的格式。")
    cats = [_category(item, source) for item in items]
    names = [c.name for c in cats]
    if len(set(names)) != len(names):
        raise TaxonomyError(f"{source}: KB037 分类名称重复。每个分类只能出现一次。")
    slugs = [c.slug for c in cats]
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    if twice:
        raise TaxonomyError(
            f"{source}: KB037 分类的 slug '{twice[0]}' 重复，两个分类会写到同一个网页。请为每个分类写不同的 slug。"
        )
    return Taxonomy(tuple(cats), source)


def _category(item: object, source: str) -> Category:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise TaxonomyError(f"{source}: KB037 分类条目缺少 'name'。每个分类写成 '- name: 组织建设' 并列出 topics。")
    topics = item.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise TaxonomyError(f"{source}: KB037 分类 '{item['name']}' 的 topics 必须是字符串列表。")
    name = item["name"].strip()
    for text in (name, *topics):
        if _MARKUP.search(text):
            raise TaxonomyError(
                f"{source}: KB037 分类或主题 '{text[:30]}' 含有 HTML 标记或控制字符。名称只能是文字，请删除标记。"
            )
    slug = item.get("slug") or slug_for(name)
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise TaxonomyError(
            f"{source}: KB037 分类 '{name}' 的 slug '{slug}' 不合规：只能用小写英文字母、数字和 -，且以字母或数字开头"
            f"（它是网址的一部分）。如 slug: organization。"
        )
    return Category(name, slug, tuple(t.strip() for t in topics))


_MARKUP = re.compile(r"[<>&\"'`\x00-\x1f\x7f-\x9f]")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def slug_for(text: str) -> str:
    """A stable ASCII address for a Chinese word (tags, categories without a slug)."""
    return "t" + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
