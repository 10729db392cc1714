"""The MkDocs adapter: feeds the validated knowledge base into the build.

Everything that decides *what* is published lives in the core (validate, views, search);
this module only maps it onto MkDocs events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from dangjian_kb.check import rules_html, sources, validate
from dangjian_kb.check.suggest import closest
from dangjian_kb.model import html_policy, rendering, urls
from dangjian_kb.model.collection import ALL
from dangjian_kb.model.findings import printable
from dangjian_kb.model.taxonomy import TaxonomyError
from dangjian_kb.search import finder_index, search_text, slugs
from dangjian_kb.site import (
    basis_view,
    browse,
    docx_export,
    nav,
    settings_check,
    site_dir,
    standards_pages,
    template_page,
)
from dangjian_kb.site import generated as generated_mod
from dangjian_kb.site import stamp as stamp_mod
from dangjian_kb.site import terms as terms_mod
from dangjian_kb.site.generated import GeneratedPage
from dangjian_kb.site.views import FINDER_INDEX_JS, Views

log = get_plugin_logger(__name__)
# Places in a rendered page that the plugin fills: <!-- dangjian-kb:latest -->, <!-- dangjian-kb:standard ID -->
SLOT = re.compile(r"(?:<p>)?<!--\s*dangjian-kb:(latest|home|standard)(?:\s+([A-Za-z0-9_.\-]+))?\s*-->(?:</p>)?")
ASSET_PREFIX = "assets/dangjian_kb/"
SITE_PAGE_HIDE = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})
ASSET_CSS = [ASSET_PREFIX + name for name in ("kb.css", "terms.css", "standards.css", "template.css", "a11y.css")]
# The header search box of every page (the index itself loads on first use).
ASSET_JS = [ASSET_PREFIX + "kb-search.js", ASSET_PREFIX + "a11y.js"]


class _DateOption(c.BaseConfigOption[dt.date]):
    """A date written as YAML writes it (2026-06-01) or quoted; anything else is a clear error."""

    def run_validation(self, value: object) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise base.ValidationError(f"日期 '{value}' 格式不对，应写成 YYYY-MM-DD，如 2026-06-01。") from None


def _as_written(value: object) -> str:
    """An option value as YAML shows it ([a, b], not a Python list)."""
    if isinstance(value, list):
        return "[" + ", ".join(map(_as_written, value)) + "]"
    return str(value)


class _FileOption(c.Type):
    """A file name relative to the root; anything but one line of text is a Chinese error."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise base.ValidationError(
                f"应为一个文件名（相对知识库根目录），如 '{self.default}'；现为 '{_as_written(value)}'。"
            )
        return value.strip()


class _FlagOption(c.Type):
    """true or false; YAML reads 是/否 as text, so the message says what to write."""

    def __init__(self) -> None:
        super().__init__(bool, default=False)

    def run_validation(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise base.ValidationError(f"应写 true 或 false；现为 '{_as_written(value)}'。")
        return value


class _RootOption(c.Dir):
    """The knowledge-base root: an existing folder, said in Chinese when it is not."""

    def __init__(self) -> None:
        super().__init__(exists=True, default=".")

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise base.ValidationError(
                f"应为知识库根目录（相对 mkdocs.yml），通常写 '.'；现为 '{_as_written(value)}'。"
            )
        try:
            return super().run_validation(value)
        except base.ValidationError:
            raise base.ValidationError(
                f"知识库根目录 '{value}' 不存在或不是文件夹（相对 mkdocs.yml 所在目录）。请写存放 handbook/、problems/ 的文件夹，通常是 '.'。"
            ) from None


class DangjianKBConfig(base.Config):
    root = _RootOption()
    """Knowledge-base root (holding handbook/, problems/, cases/), relative to mkdocs.yml."""
    taxonomy = _FileOption("taxonomy.yml")
    """Taxonomy file relative to the root; the shipped five focuses when it does not exist."""
    synonyms = _FileOption("synonyms.yml")
    """Synonym groups for the finder, relative to the root; the shipped list when it does not exist."""
    regulations = _FileOption("regulations.yml")
    """Register of regulations (制度依据) relative to the root; without it basis stays free text."""
    today = c.Optional(_DateOption())
    """Fixed 'today' (a YAML date, 2026-06-01) for review dates; for reproducible builds and tests."""
    register = _FileOption("organizations.yml")
    """Organization register (换届提醒), relative to the root; the page says how to start one when missing."""
    overdue_error = _FlagOption()
    """An organization whose term has ended fails the build (KB068) instead of being shown only."""


class DangjianKBPlugin(BasePlugin[DangjianKBConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.kb: validate.KnowledgeBase | None = None
        self.views: Views | None = None
        self.entries_by_src: dict[str, object] = {}
        self._docx: docx_export.Job | None = None  # the Word files of document templates, built in a worker
        self.generated: dict[str, GeneratedPage] = {}
        self._pool = self._finder_job = None
        self._finder_script = ""

    def load_config(self, options: dict, config_file_path: str | None = None):  # type: ignore[override]
        """An option MkDocs does not know (overdue_errors) would only be a warning in English and
        silently ignored: here it is an error that names the option meant."""
        if not isinstance(options, dict):
            return [("dangjian-kb", base.ValidationError("选项应写成 '名称: 值' 的映射，如 'root: .'。"))], []
        errors, warnings = super().load_config(options, config_file_path)
        names = [name for name, _ in DangjianKBConfig._schema]
        for key in [k for k in options if k not in names]:
            guess = closest(str(key), names, cutoff=0.6)
            fix = f"是否想写 '{guess}'？" if guess else f"可用的选项：{'、'.join(names)}。"
            errors.append((str(key), base.ValidationError(f"dangjian-kb 没有选项 '{printable(str(key))}'。{fix}")))
        warnings = [(k, w) for k, w in warnings if k in names]
        return errors, warnings

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(50)  # before material's offline plugin, which adds a CDN shim unless one is set
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / self.config.root).resolve()
        problem = site_dir.problem(Path(config.site_dir), base_dir)
        if problem:  # before MkDocs cleans the site folder: a symlinked or misplaced one is never emptied
            raise PluginError(problem)
        self.today = self.config.today or dt.date.today()
        problem = settings_check.problem(config, base_dir)
        if problem:
            raise PluginError(problem)
        self._check_named_files()
        # Stable addresses are the .html form of the content model, served or offline.
        config.use_directory_urls = False
        theme_dir = str(resources.files("dangjian_kb").joinpath("theme"))
        dirs = config.theme.dirs
        at = next((i for i, d in enumerate(dirs) if Path(d).parts[-2:] == ("material", "templates")), len(dirs) - 1)
        if theme_dir not in dirs:
            dirs.insert(at, theme_dir)
        # Heading anchors keep their words (#换届要提前多久准备, not #_1): the index uses the same slugs.
        config.mdx_configs.setdefault("toc", {})["slugify"] = slugs.slugify
        self.docs_dir = str(Path(config.docs_dir).resolve())
        for name in ASSET_JS:
            if name not in config.extra_javascript:
                config.extra_javascript.append(name)
        for name in ASSET_CSS:
            if name not in config.extra_css:
                config.extra_css.append(name)
        self.links = rendering.LinkContext()
        config.markdown_extensions.append(rendering.EntryLinks(self.links))
        return config

    def _check_named_files(self) -> None:
        """A register named in mkdocs.yml that is not there is an error, not a silent fallback to the
        built-in one (the defaults may be absent: the built-in taxonomy, no register)."""
        defaults = {name: option.default for name, option in DangjianKBConfig._schema}
        for name in ("taxonomy", "synonyms", "regulations", "register"):
            value = self.config[name]
            if value != defaults[name]:
                problem = sources.named_file_problem(f"mkdocs.yml 中 dangjian_kb 的 {name}", self.root / value, value)
                if problem:
                    raise PluginError(problem)

    @event_priority(-50)  # after the search plugin wrote its index, before offline inlines it
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_dir.mark(Path(config.site_dir))
        self._write_finder_index(config)
        self._write_docx(config)

    def _write_docx(self, config: MkDocsConfig) -> None:
        if self._docx is not None:
            try:
                self._docx.write(Path(config.site_dir))
            except docx_export.DocxError as exc:
                raise PluginError(str(exc)) from None
            finally:
                self._docx = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        with validate.gc_paused():
            return self._generate(files, config)

    def _generate(self, files: Files, config: MkDocsConfig) -> Files:
        self.kb = self._load()
        self.views = Views(self.kb, self.today)
        self.entries_by_src = {}
        self.titles = {}
        self.refused = {f.path for f in self.kb.errors}
        targets = {e.id: rendering.Target(e.url, e.id, e.title) for e in self.kb.entries}
        by_rel = {rel: targets[e.id] for rel, e in self.kb.by_rel.items()}
        self.links.by_id, self.links.by_path = targets.get, by_rel.get
        self.links.cite = basis_view.citer(self.kb.regulations)
        self._docx_items: list = []
        for entry in self.kb.entries:
            body = self._template_files(entry) if entry.collection.placeholders else entry.body
            self._add(files, config, entry.src_uri, entry.title, body)
            self.entries_by_src[entry.src_uri] = entry
        self.generated = {}
        self.stamp = self._stamp()
        self.std_pages = standards_pages.StandardPages(self.kb, self.views)
        extra = [self.views.about(self.stamp), self.views.print_page(self._markdown_renderer(config), self.stamp)]
        pages = self.terms.with_stats(self.views, self.views.pages())
        for page in pages + [self.terms.page(self.views, self.stamp.built.date())] + extra + self.std_pages.pages():
            # Index, tag and print pages repeat entries' titles and text; kept out of the
            # site-wide search so that results are the entries themselves.
            self._add(files, config, page.src_uri, page.title, "")
            self.generated[page.src_uri] = page
        self._drop_outside(files)
        self._refuse_theme_overrides(files, config)
        self._add_package_assets(files, config)
        for uri, data in self.terms.calendars(self.stamp.built).items():
            self._add_file(files, config, uri, data)
        self._start_finder_index()
        self._docx = docx_export.Job(self._docx_items)
        for rel in self.kb.assets:
            if files.get_file_from_path(self._checked(rel, ascii_only=False)) is not None:
                continue
            files.append(
                File.generated(config, rel, abs_src_path=str(self.root / rel), inclusion=InclusionLevel.NOT_IN_NAV)
            )
        config.nav = nav.build(self.kb, self.views, files, config.nav)
        return files

    def _template_files(self, entry) -> str:
        """A document template: the page gets its main text with tokens; its Word file is queued."""
        body = self.kb.link_words(entry.body)
        self._docx_items.append((template_page.docx_url(entry), entry.title, body, template_page.fields_of(entry)))
        return template_page.markdown_source(entry)

    def _stamp(self) -> stamp_mod.Stamp:
        totals = self.views.totals()
        counts = tuple((c.name, c.label, totals[c.name]) for c in ALL)
        return stamp_mod.Stamp(stamp_mod.build_time(), stamp_mod.git_commit(self.root), counts)

    def _markdown_renderer(self, config: MkDocsConfig):
        """Entries' Markdown rendered the way the site renders it, for the print page."""
        mine = [x for x in config.markdown_extensions if not isinstance(x, rendering.EntryLinks)]
        render = rendering.renderer(mine, config.mdx_configs or {}, self.links)

        def to_html(entry) -> str:
            self.links.here, self.links.source = urls.PRINT, entry.rel
            return self._publish(render(entry.body), urls.PRINT)

        return to_html

    def _start_finder_index(self) -> None:
        """Build the search index from this build's knowledge base (one load per build) in a worker
        process, in parallel with page rendering; in-process where no worker can be started."""
        try:
            synonyms, elsewhere = search_text.load_vocabulary(self.root / self.config.synonyms)
        except search_text.SynonymsError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from None
            log.error(f"{exc}（预览中暂不使用同义词）")
            synonyms, elsewhere = [], None
        # what is published: an entry `check` refuses is not previewed, so it is not found either
        published = dataclasses.replace(self.kb, entries=[e for e in self.kb.entries if e.rel not in self.refused])
        args = (published, synonyms, self.docs_dir, elsewhere)
        try:
            # spawn, not fork: `mkdocs serve` runs threads, and a forked child may inherit a held lock
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._finder_job = self._pool.submit(finder_index.script_from, *args)
        except (OSError, RuntimeError, ValueError) as exc:
            log.debug(f"no worker process for the finder index ({exc}); building it in-process")
            self._pool, self._finder_job = None, None
            self._finder_script = finder_index.script_from(*args)

    def _write_finder_index(self, config: MkDocsConfig) -> None:
        if self._finder_job is not None:
            try:
                self._finder_script = self._finder_job.result()
            except Exception as exc:  # noqa: BLE001 - a worker failure must not be a traceback
                raise PluginError(f"问题检索索引生成失败：{exc}") from None
            finally:
                self._pool.shutdown()
                self._pool, self._finder_job = None, None
        target = Path(config.site_dir) / FINDER_INDEX_JS
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self._finder_script, "utf-8")

    def _drop_outside(self, files: Files) -> None:
        """Under `serve` the build goes on: a docs/ file reached through a link out of the
        repository, or of a type that is not published (a page's script, an SVG), still never is."""
        links = [self.root / f.path for f in self.outside]
        docs = Path(self.docs_dir)
        for file in list(files):
            src = Path(file.abs_src_path) if file.abs_src_path else None
            if src is None:
                continue
            if any(src == link or link in src.parents for link in links):
                files.remove(file)
            elif docs in src.parents and sources.UNSAFE_NAME.search(file.src_uri):  # named printably in KB044
                files.remove(file)

    def _refuse_theme_overrides(self, files: Files, config: MkDocsConfig) -> None:
        """A docs/ file at the address of a theme file or a package asset would replace it on every
        page (docs/assets/javascripts/bundle….js, docs/404.md, our kb-search.js)."""
        dirs = [Path(d) for d in config.theme.dirs]
        docs = Path(self.docs_dir)

        def in_theme(uri: str) -> bool:  # a look-up per docs/ file, not a walk of the theme's 14,000 files
            return any((d / uri).is_file() for d in dirs)

        clashes = []
        for file in list(files):
            src = Path(file.abs_src_path) if file.abs_src_path else None
            if src is None or docs not in src.parents:
                continue
            if file.src_uri.startswith(ASSET_PREFIX) or in_theme(file.dest_uri) or in_theme(file.src_uri):
                clashes.append(printable(file.src_uri))
                files.remove(file)
        if clashes:
            listed = "、".join(f"docs/{c}" for c in clashes)
            message = f"{listed} 与主题或本插件自带的文件同名，会替换每个页面用到的文件，已拒绝发布。请改名或删除。"
            if not self.serving:
                raise PluginError(message)
            log.error(message)

    @staticmethod
    def _add_package_assets(files: Files, config: MkDocsConfig) -> None:
        """Stylesheets and scripts ship in the package, so the site needs no network."""
        root = resources.files("dangjian_kb").joinpath("assets")
        for path in sorted(Path(str(root)).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                uri = ASSET_PREFIX + path.relative_to(str(root)).as_posix()
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, abs_src_path=str(path)))

    def _load(self) -> validate.KnowledgeBase:
        try:
            kb = validate.load(
                self.root,
                self.root / self.config.taxonomy,
                self.today,
                self.root / self.config.regulations,
                self.root / self.config.synonyms,
            )
        except TaxonomyError as exc:
            raise PluginError(str(exc)) from None
        self.terms = terms_mod.Terms.load(
            self.root, self.config.register, self.today, self.config.overdue_error, kb.entries
        )
        self.outside = sources.site_pages(self.root, Path(self.docs_dir))
        # statuses are on the page instead
        kb.findings = sorted(kb.findings + self.terms.build_findings + self.outside)
        for finding in kb.warnings:
            log.warning(str(finding))
        if kb.errors:
            listed = "\n".join(map(str, kb.errors))
            if not self.serving:
                raise PluginError(f"知识库检查发现 {len(kb.errors)} 个错误，网站未生成：\n{listed}")
            # keep `mkdocs serve` alive: the writer fixes the file and the preview rebuilds
            log.error(f"知识库检查发现 {len(kb.errors)} 个错误（预览继续运行，修正并保存后自动重新生成）：\n{listed}")
        return kb

    def _add_file(self, files: Files, config: MkDocsConfig, uri: str, content: bytes) -> None:
        self._checked(uri)
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))

    def _add(self, files: Files, config: MkDocsConfig, src_uri: str, title: str, body: str) -> None:
        self._checked(src_uri)
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            files.remove(existing)
        # The title never passes through YAML or Markdown: it is set on the page (escaped) in on_page_markdown.
        self.titles[src_uri] = title
        front = "---\ngenerated: true\n---\n"
        files.append(File.generated(config, src_uri, content=front + body, inclusion=InclusionLevel.NOT_IN_NAV))

    @staticmethod
    def _checked(address: str, ascii_only: bool = True) -> str:
        try:
            return urls.checked(address, ascii_only)
        except urls.UnsafeAddress as exc:
            raise PluginError(str(exc)) from None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        entry = self.entries_by_src.get(src)
        self.links.here, self.links.source = page.file.url, entry.rel if entry is not None else None
        if src in self.titles:
            page.meta["title"] = html.escape(self.titles[src])
        else:
            self._site_page_meta(page)
        if entry is not None and entry.rel in self.refused:
            # Under `mkdocs serve` a refused entry is not previewed: its findings are shown instead.
            return ""
        complex_ = rules_html.too_complex(markdown)
        if complex_:  # a site page nobody checked: never handed to a renderer that could stall
            log.error(f"{page.file.src_uri}: 页面过于复杂（{complex_}），未生成内容。")
            return "此页内容过于复杂，无法安全生成。"
        return markdown

    @staticmethod
    def _site_page_meta(page: Page) -> None:
        """A docs/ page's front matter reaches the theme, which prints its strings as HTML and picks
        a template by it (redirect.html follows ``location``): only an allowlist of keys is kept,
        each as text."""
        for key in list(page.meta):
            value = page.meta[key]
            if key in ("title", "description") and isinstance(value, str):
                page.meta[key] = html_policy.text(value)
            elif key == "hide" and isinstance(value, list) and all(v in SITE_PAGE_HIDE for v in value):
                continue
            elif key == "search" and value in ({"exclude": True}, {"exclude": False}):
                continue
            else:
                del page.meta[key]
                log.warning(
                    f"{printable(page.file.src_uri)}: 页面头部的 '{printable(str(key))[:40]}' 不被采用"
                    f"（网站页面只可写 title、description、hide、search）。请删去这一项。"
                )

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Every page leaves here through the allowlist sanitizer, whatever the checker said; so do
        the strings the theme prints beside it (its title in the nav, its table of contents)."""
        content = self._content(html_text, page)
        self._safe_chrome(page)
        return content

    def _safe_chrome(self, page: Page) -> None:
        """The theme prints ``page.title`` and every ``page.toc`` title as HTML, unescaped: each
        becomes its text alone (a heading's markup, a docs/ page's front-matter title)."""
        if page.file.src_uri not in self.titles and page.title:  # ours are escaped already
            page.meta["title"] = html_policy.text(page.title)
        items = list(page.toc)
        while items:
            item = items.pop()
            item.title = html_policy.text(item.title)
            items.extend(item.children)

    def _content(self, html_text: str, page: Page) -> str:
        src = page.file.src_uri
        entry = self.entries_by_src.get(src)
        if entry is not None:
            if entry.rel in self.refused:
                return self.views.refused([f for f in self.kb.errors if f.path == entry.rel])
            note = self.terms.case_note(self.views, entry)
            main = self._publish(html_text, entry.url)
            if entry.collection.placeholders:
                template_page.toc_titles(page.toc, template_page.fields_of(entry))
                main = self._template_doc(entry, main)
            return self.views.card(entry) + note + main + self.views.related(entry)
        generated = self.generated.get(src)
        if generated is not None:
            return html_policy.clean_generated(generated.html) + generated.trailer()
        return self._publish(html_text, page.file.url)

    def _template_doc(self, entry, main: str) -> str:
        """A document template's page: the sanitized main text inside the package's document view,
        with the form's data and script added after the sanitizer."""
        doc = html_policy.clean_generated(self.views.template_doc(entry, main))
        return doc + generated_mod.trailer(entry.url, template_page.form_data(entry), (template_page.TEMPLATE_JS,))

    def _publish(self, html_text: str, here: str) -> str:
        """Sanitized content, with the plugin's own blocks (latest entries, a standard's table) in its slots."""

        def fill(m: re.Match[str]) -> str:
            if m[1] == "latest":
                return self.views.latest(here)
            if m[1] == "home":
                return browse.home_block(self.views, here)
            return self.std_pages.block(m[2] or "", here)

        return html_policy.clean_around(html_text, SLOT, fill)

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        for coll in ALL:
            folder = self.root / coll.name
            if folder.is_dir():
                server.watch(str(folder))
        if (self.root / "standards").is_dir():
            server.watch(str(self.root / "standards"))
        for data in (
            self.root / self.config.taxonomy,
            self.root / self.config.synonyms,
            self.root / self.config.regulations,
            self.root / self.config.register,
        ):
            if data.is_file():
                server.watch(str(data))
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self._docx is not None:
            self._docx.cancel()
            self._docx = None
        if self._pool is not None:  # the finder worker of a build that failed
            self._pool.shutdown(cancel_futures=True)
            self._pool, self._finder_job = None, None
