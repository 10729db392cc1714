"""mkdocs.yml as the theme uses it: every string it prints into every page, every address it
loads, every file it reads. A pull request can change mkdocs.yml too; what would put markup, a
script address, a network request or a file from outside the repository on the pages is refused
with a message that names the setting. Plain mappings in, so the core needs no MkDocs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from dangjian_kb.model import html_policy
from dangjian_kb.model.findings import printable

# Characters that end an HTML attribute or open a tag: the theme prints these settings unescaped.
_MARKUP = frozenset('<>"')
_SAFE_SCHEMES = (None, "http", "https", "mailto", "//")
# Settings whose value is an address the theme links to.
_LINKS = ("repo_url", "edit_uri", "site_url")
# Markdown extensions that read files (snippets: --8<-- "/etc/passwd").
_READERS = ("pymdownx.snippets", "markdown_include.include", "mdx_include")


def problem(settings: Mapping, root: Path) -> str | None:
    """The first thing in ``settings`` (mkdocs.yml as loaded) that would reach a page unsafely."""
    for check in (_markup, _theme, _extra, _links, _nav, _assets, _readers):
        found = check(settings, root)
        if found:
            return found
    return None


def _strings(value: object, path: str, keys: bool = True) -> Iterator[tuple[str, str]]:
    """Every string inside ``value`` with where it is (theme.palette.primary); the mappings' keys
    too (a nav title is a key) unless ``keys`` is false."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if keys:
                yield from _strings(k, path)
            yield from _strings(v, f"{path}.{k}", keys)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]", keys)


def _say(where: str, value: str, what: str) -> str:
    return f"mkdocs.yml 的 {where} {what}：'{printable(value)[:40]}'。"


def _markup(settings: Mapping, root: Path) -> str | None:
    keys = ("site_name", "site_description", "site_author", "copyright", "site_url", "repo_url", "repo_name",
            "edit_uri", "theme", "extra", "nav")  # fmt: skip
    for key in keys:
        for where, text in _strings(_plain(settings.get(key)), key):
            if _MARKUP & set(text) or "&" in text and key.startswith("site_"):
                return _say(where, text, '含有 HTML 字符（< > "）') + "主题会把它原样写进每个页面。请只写文字。"
    return None


def _theme(settings: Mapping, root: Path) -> str | None:
    theme = _plain(settings.get("theme")) or {}
    if theme.get("name") == "material" and theme.get("font") is not False:
        return (
            "mkdocs.yml 的 theme.font 会让每个页面从 Google 加载字体，离线包无法使用。请在 theme 下写 'font: false'。"
        )
    for key in ("logo", "favicon"):  # fetched by every page: a remote one is a network request
        value = theme.get(key)
        if isinstance(value, str) and html_policy.scheme_of(value) is not None:
            return _say(f"theme.{key}", value, "是外部地址") + "离线包无法显示。请把图片放进 docs/，写相对地址。"
    custom = theme.get("custom_dir")
    if isinstance(custom, str) and not _inside(root, root / custom):
        return _say("theme.custom_dir", custom, "在仓库之外") + "请把主题覆盖文件放在仓库里。"
    return None


def _extra(settings: Mapping, root: Path) -> str | None:
    extra = _plain(settings.get("extra")) or {}
    for key in ("analytics", "consent"):
        if extra.get(key):
            return f"mkdocs.yml 的 extra.{key} 会让每个页面联网加载外部脚本，离线包无法使用，也会泄露读者的访问。请删去这一项。"
    links = [("extra.homepage", extra.get("homepage"))]
    for key in ("social", "alternate"):
        links += [(f"extra.{key}", i.get("link")) for i in extra.get(key) or () if isinstance(i, Mapping)]
    return _unsafe_links(links)


def _links(settings: Mapping, root: Path) -> str | None:
    return _unsafe_links([(key, settings.get(key)) for key in _LINKS])


def _nav(settings: Mapping, root: Path) -> str | None:
    return _unsafe_links(list(_strings(_plain(settings.get("nav")), "nav", keys=False)))


def _unsafe_links(links: list[tuple[str, object]]) -> str | None:
    for where, url in links:
        if isinstance(url, str) and html_policy.scheme_of(url) not in _SAFE_SCHEMES:
            return _say(where, url, "是不安全的链接") + "请写成 https:// 开头的网址或站内相对地址。"
    return None


def _assets(settings: Mapping, root: Path) -> str | None:
    for key in ("extra_javascript", "extra_css"):
        for where, value in _strings(_plain(settings.get(key)), key):
            if html_policy.scheme_of(value) is not None:
                return (
                    _say(where, value, "是外部地址")
                    + "每个页面都会联网加载它，离线包无法使用。请把文件放进仓库，写相对地址。"
                )
    return None


def _readers(settings: Mapping, root: Path) -> str | None:
    for name in settings.get("markdown_extensions") or ():
        name = next(iter(name)) if isinstance(name, Mapping) else name
        if str(name) in _READERS:
            return f"mkdocs.yml 的 markdown_extensions 中的 '{name}' 能把任意文件的内容读进页面（包括仓库之外的文件）。请删去这一项。"
    if settings.get("hooks"):
        return "mkdocs.yml 的 hooks 会在生成网站时运行其中的 Python 代码。本知识库不使用 hooks，请删去这一项。"
    return None


def _plain(value: object) -> object:
    """A MkDocs config object (theme, nav items) as plain mappings and lists."""
    if isinstance(value, Mapping) and hasattr(value, "custom_dir"):  # mkdocs.theme.Theme: custom_dir apart
        return {**{k: _plain(v) for k, v in value.items()}, "custom_dir": value.custom_dir}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True
