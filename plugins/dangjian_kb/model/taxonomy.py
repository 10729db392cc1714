"""The taxonomy (categories and their topics) is data a maintainer edits in one YAML file.

The file is read node by node, so every finding has its line and quotes the value as typed;
every problem is reported in one run. A category with a problem is kept where it can still
check entries (a bad or reserved slug gets a safe generated address, a topic list written as
one word is that word), so entry findings are reported in the same run; only a file that
cannot be read at all, or holds no usable category, is refused outright (TaxonomyError)."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from dangjian_kb.model import yamlsafe
from dangjian_kb.model.findings import Collector, Finding


class TaxonomyError(Exception):
    """The taxonomy file itself is unusable; the message lists every finding (file:line: KB037 …)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(map(str, findings)))
        self.findings = findings


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
SHIPPED = "dangjian_kb/data/taxonomy.yml"
FIELDS = ("name", "slug", "topics")
CHINESE_KEYS = {"名称": "name", "分类": "name", "名字": "name", "主题": "topics", "topic": "topics", "地址": "slug"}
# Category pages are categories/<slug>.html (urls.category); categories/index.html is the overview
# (urls.CATEGORIES, 分类总览). Names Windows refuses as files would break the offline zip there.
RESERVED_SLUGS = frozenset(
    {"index", "con", "prn", "aux", "nul"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in range(1, 10)}
)
# plain text only: HTML, quotes, control and invisible format characters, Markdown links and images,
# attribute lists and javascript: (names and topics are shown as text on every page)
_MARKUP = re.compile(
    r"[<>&\"'`\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
    r"|\]\(|!\[|\{\s*[:.#]|\{[^{}\n]*\bon[a-z]+\s*=|javascript\s*:",
    re.I,
)
_MARKUP_FIX = "含有 HTML 或 Markdown 标记、引号或控制字符。名称只能是文字，请删除标记。"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_NULL = "tag:yaml.org,2002:null"


def default_text() -> str:
    return resources.files("dangjian_kb").joinpath("data", DEFAULT_FILE).read_text("utf-8")


def load(path: Path | None) -> Taxonomy:
    """Load ``path`` if it exists, else the shipped default (the five focuses); any error refuses
    it, listing every finding (for commands that need a sound taxonomy, like ``new``)."""
    tax, findings = read(path, str(path) if path is not None and path.is_file() else SHIPPED)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise TaxonomyError(errors)
    return tax


def read(path: Path | None, shown: str) -> tuple[Taxonomy, list[Finding]]:
    """``path`` and its findings, named ``shown`` (else the shipped default). Raises TaxonomyError,
    listing every finding, only when nothing usable is left."""
    if path is not None and path.is_file():
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            out = Collector(shown)
            out.add("KB037", 0, f"无法读取分类文件（{type(exc).__name__}）。请确认文件存在且以 UTF-8 保存。")
            raise TaxonomyError(out.items) from None
        return parse_checked(text, shown)
    return parse_checked(default_text(), SHIPPED)


def parse(text: str, source: str) -> Taxonomy:
    """The taxonomy in ``text``; TaxonomyError listing every error when it has any."""
    tax, findings = parse_checked(text, source)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise TaxonomyError(errors)
    return tax


_STR = "tag:yaml.org,2002:str"


def untyped(root: yaml.Node | None, out: Collector) -> None:
    """Report each scalar whose YAML tag cannot build its value (``!!int x``, ``!!timestamp x``,
    ``!foo x``) with its line, and read it as the text typed from then on."""
    builder = yaml.SafeLoader("")
    stack = [root] if root is not None else []
    while stack:  # no aliases here (refused): a tree, walked once, without recursion
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.ScalarNode) and node.tag not in (_STR, _NULL):
            try:
                builder.construct_object(node, deep=True)
            except (*yamlsafe.CONSTRUCTOR_ERRORS, yaml.YAMLError):
                tag = node.tag.replace("tag:yaml.org,2002:", "!!")
                out.add(
                    "KB037",
                    line_of(node),
                    f"值 '{node.value[:30]}' 带有 YAML 类型标记 '{tag}'，按这个类型无法读取。请删去 '{tag}'，只写文字。",
                )
                node.tag = _STR


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def scalar(node: yaml.Node | None) -> str | None:
    """The text of a scalar as typed (``2024`` is '2024'), None for anything else or null."""
    if isinstance(node, yaml.ScalarNode) and not (node.tag == _NULL and node.style is None):
        return str(node.value)
    return None


def shown(node: yaml.Node, text: str, limit: int = 30) -> str:
    """What the maintainer typed for ``node``, on one line, shortened (for quoting in messages)."""
    if isinstance(node, yaml.ScalarNode):
        typed = str(node.value)
    else:
        typed = " ".join(text[node.start_mark.index : node.end_mark.index].split())
    return typed if len(typed) <= limit else typed[: limit - 1] + "…"


def parse_checked(text: str, source: str) -> tuple[Taxonomy, list[Finding]]:
    out = Collector(source)
    try:
        root = yamlsafe.compose(text)
    except yamlsafe.YamlRefused as exc:
        out.add("KB037", exc.line, f"分类文件{exc}")
        raise TaxonomyError(out.items) from None
    untyped(root, out)
    items = _items(root, text, out)
    cats = _categories(items, text, out)
    if not cats:
        if items:
            out.add(
                "KB037",
                line_of(root) if root is not None else 0,
                "分类文件里没有一个可用的分类。请按上面各行改正，或参照默认分类文件的格式。",
            )
        raise TaxonomyError(out.items)
    return Taxonomy(tuple(cats), source), out.items


def _items(root: yaml.Node | None, text: str, out: Collector) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        out.add(
            "KB037",
            line_of(root) if root is not None else 1,
            "分类文件应以 'categories:' 开头。请在第一行写 'categories:'，下面每个分类一项，以 '- name: …' 开头。",
        )
        return []
    found: list[yaml.Node] | None = None
    first = 0
    for key, value in root.value:
        name = scalar(key) or shown(key, text)
        if name == "categories" and first:
            out.add(
                "KB037", line_of(key), f"'categories' 写了两次（第 {first} 行已有），前一处不会被使用。请合并为一处。"
            )
        first = first or (line_of(key) if name == "categories" else 0)
        if name != "categories":
            fix = _ask(name, ("categories",), "请删除它，或把它移到某个分类下。")
            out.add("KB046", line_of(key), f"分类文件顶层有未知字段 '{name}'，不会被使用。{fix}")
        elif isinstance(value, yaml.SequenceNode) and value.value:
            found = value.value
        else:
            found = []
            empty = isinstance(value, yaml.SequenceNode) or scalar(value) is None and isinstance(value, yaml.ScalarNode)
            what = "是空的" if empty else f"不是列表（现为 '{shown(value, text)}'）"
            out.add(
                "KB037",
                line_of(key) if empty and not isinstance(value, yaml.SequenceNode) else line_of(value),
                f"'categories' {what}。请在它下面每个分类写一项，以 '- name: 组织建设' 开头，并列出 topics。",
            )
    if found is None:
        out.add("KB037", 1, "分类文件缺少 'categories:' 列表。请加一行 'categories:'，把各分类列在它下面。")
        return []
    return found


def _ask(name: str, options: tuple[str, ...], otherwise: str) -> str:
    guess = CHINESE_KEYS.get(name) if options == FIELDS else None
    guess = guess or next(iter(difflib.get_close_matches(name.lower(), options, n=1, cutoff=0.6)), None)
    return f"是否想写 '{guess}'？" if guess else otherwise


def _categories(items: list[yaml.Node], text: str, out: Collector) -> list[Category]:
    cats: list[Category] = []
    names: dict[str, int] = {}
    slugs: dict[str, tuple[str, int]] = {}
    pending: list[tuple[str, yaml.Node | None, list[str], int]] = []  # name, slug node, topics, line
    for node in items:
        got = _category(node, text, out)
        if got is None:
            continue
        name, slug_node, topics, line = got
        if name in names:
            out.add(
                "KB037",
                line,
                f"分类名称 '{name}' 重复（第 {names[name]} 行已有）。每个分类只能出现一次：请把两处的 topics 合并到一处，删去另一处。",
            )
            continue
        names[name] = line
        pending.append(got)
    for name, slug_node, topics, line in pending:
        slug = _slug(name, slug_node, text, slugs, out)
        slugs[slug] = (name, line_of(slug_node) if slug_node is not None else line)
        cats.append(Category(name, slug, tuple(topics)))
    return cats


def _category(node: yaml.Node, text: str, out: Collector) -> tuple[str, yaml.Node | None, list[str], int] | None:
    line = line_of(node)
    if not isinstance(node, yaml.MappingNode):
        typed = shown(node, text)
        out.add(
            "KB037",
            line,
            f"分类条目 '{typed}' 不是字段表。请写成 '- name: {typed}'，下面缩进写 slug 和 topics: [主题, 主题]。"
            if isinstance(node, yaml.ScalarNode) and typed
            else f"分类条目 '{typed}' 不是字段表。请写成 '- name: 组织建设'，下面缩进写 slug 和 topics: [主题, 主题]。",
        )
        return None
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        field = scalar(key) or shown(key, text)
        if field in fields:
            first = line_of(fields[field][0])
            out.add(
                "KB037",
                line_of(key),
                f"分类条目的 '{field}' 写了两次（第 {first} 行已有），前一处不会被使用。请合并为一处。",
            )
        if field in FIELDS:
            fields[field] = (key, value)
        else:
            out.add(
                "KB046",
                line_of(key),
                f"分类条目有未知字段 '{field}'，不会被使用。{_ask(field, FIELDS, '可用字段：name、slug、topics。')}",
            )
    name_node = fields["name"][1] if "name" in fields else None
    name = scalar(name_node)
    name = name.strip() if name is not None else None
    problem = None
    if name_node is None:
        problem = "分类条目缺少 'name'。"
    elif not isinstance(name_node, yaml.ScalarNode):
        problem = f"分类条目的 name 不是文字（现为 '{shown(name_node, text)}'）。"
    elif not name:
        problem = "分类条目的 name 是空的。"
    elif _MARKUP.search(name):
        out.add("KB037", line_of(name_node), f"分类名称 '{shown(name_node, text)}' {_MARKUP_FIX}")
    if problem is not None:
        fix = "每个分类写成 '- name: 组织建设'，下面列出 topics。"
        out.add("KB037", line if name_node is None else line_of(name_node), problem + fix)
    usable = problem is None and name is not None and not _MARKUP.search(name)
    topics = _topics(name or "", fields.get("topics"), line, text, out)
    if not usable or name is None:
        return None
    return name, fields["slug"][1] if "slug" in fields else None, topics, line


def _topics(name: str, field: tuple[yaml.Node, yaml.Node] | None, line: int, text: str, out: Collector) -> list[str]:
    label = f"分类 '{name}' 的" if name else "分类的"
    if field is None:
        out.add(
            "KB037", line, f"{label} topics 缺失：没有主题，条目无法归入这个分类。请加一行 'topics: [主题, 主题]'。"
        )
        return []
    key, value = field
    one = scalar(value)
    if isinstance(value, yaml.ScalarNode) and one is not None and one.strip():
        # 组织覆盖，四同步 is two topics written with a Chinese comma: the fix lists them apart
        parts = [p.strip() for p in re.split(r"[，、；,;]", one) if p.strip()]
        out.add(
            "KB037",
            line_of(value),
            f"{label} topics 不是列表（现为 '{shown(value, text)}'）。是否想写 'topics: [{', '.join(parts)}]'？",
        )
        return [p for p in parts if not _MARKUP.search(p)]
    if not isinstance(value, yaml.SequenceNode) or not value.value:
        what = (
            "是空的"
            if isinstance(value, (yaml.SequenceNode, yaml.ScalarNode))
            else f"不是列表（现为 '{shown(value, text)}'）"
        )
        out.add(
            "KB037",
            line_of(value) if isinstance(value, yaml.SequenceNode) else line_of(key),
            f"{label} topics {what}：没有主题，条目无法归入这个分类。请写成 'topics: [主题, 主题]'。",
        )
        return []
    topics: list[str] = []
    seen: dict[str, int] = {}
    for item in value.value:
        topic = scalar(item)
        topic = topic.strip() if topic is not None else None
        if topic is None or not isinstance(item, yaml.ScalarNode):
            out.add(
                "KB037",
                line_of(item),
                f"{label}主题 '{shown(item, text)}' 不是一个词（列表或字段表）。请把每个主题写成一个词，如 topics: [党费管理, 组织覆盖]。",
            )
        elif not topic:
            out.add("KB037", line_of(item), f"{label} topics 里有一个空的主题。请删去它，或写上主题名称。")
        elif _MARKUP.search(topic):
            out.add("KB037", line_of(item), f"{label}主题 '{shown(item, text)}' {_MARKUP_FIX}")
        elif topic in seen:
            where = "" if seen[topic] == line_of(item) else f"（第 {seen[topic]} 行已有）"
            out.add("KB046", line_of(item), f"{label}主题 '{topic}' 写了两次{where}。请删去重复的一个。")
        else:
            seen[topic] = line_of(item)
            topics.append(topic)
    return topics


def _slug(name: str, node: yaml.Node | None, text: str, taken: dict[str, tuple[str, int]], out: Collector) -> str:
    """The category's address; a refused one is reported and replaced by the generated one."""
    fallback = slug_for(name)
    if node is None or (scalar(node) is None and isinstance(node, yaml.ScalarNode)):
        return fallback
    slug = scalar(node)
    typed = shown(node, text)
    problem = None
    if slug is None:
        problem = f"不是文字（现为 '{typed}'）。请写成一个词，如 slug: organization。"
    elif not SLUG.fullmatch(slug):
        guess = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:64]
        fix = (
            f"是否想写 '{guess}'？"
            if SLUG.fullmatch(guess) and guess not in RESERVED_SLUGS and guess not in taken
            else "如 slug: organization。"
        )
        problem = f"不合规：只能用小写英文字母、数字和 -，以字母或数字开头，不超过 64 个字符（它是网址的一部分）。{fix}"
    elif slug == "index":
        problem = "会生成 categories/index.html，覆盖分类总览页。请换一个表示这个分类的英文词。"
    elif slug in RESERVED_SLUGS:
        problem = f"是 Windows 保留的文件名，离线包在 Windows 上解压时 categories/{slug}.html 会出错。请换一个。"
    elif slug in taken:
        other, other_line = taken[slug]
        problem = (
            f"与第 {other_line} 行分类 '{other}' 的 slug 重复，两个分类会写到同一个网页。请为每个分类写不同的 slug。"
        )
    if problem is None and slug is not None:
        return slug
    out.add("KB037", line_of(node), f"分类 '{name}' 的 slug '{typed}' {problem}")
    return fallback


def slug_for(text: str) -> str:
    """A stable ASCII address for a Chinese word (tags, categories without a slug)."""
    return "t" + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
