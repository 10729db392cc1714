"""The MkDocs adapter: feeds the validated knowledge base into the build.

Everything that decides *what* is published lives in the core (validate, views, search);
this module only maps it onto MkDocs events.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

import markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from dangjian_kb.check import validate
from dangjian_kb.model.collection import ALL
from dangjian_kb.model.taxonomy import TaxonomyError
from dangjian_kb.search import finder_index, slugs
from dangjian_kb.site import body_links, nav
from dangjian_kb.site import stamp as stamp_mod
from dangjian_kb.site.views import FINDER_INDEX_JS, GeneratedPage, Views

log = get_plugin_logger(__name__)
LATEST_MARKER = "<!-- dangjian-kb:latest -->"
ASSET_PREFIX = "assets/dangjian_kb/"
ASSET_CSS = [ASSET_PREFIX + "kb.css"]
# The header search box of every page (the index itself loads on first use).
ASSET_JS = [ASSET_PREFIX + "kb-search.js"]


def _timed(method):
    """Account the plugin's own work per build, so the benchmark can report its share."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        self._timing_depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            self._timing_depth -= 1
            spent = time.perf_counter() - start
            if self._timing_depth == 0:  # nested steps are already inside their caller's time
                self.own_seconds += spent
            self.own_by_step[method.__name__] = self.own_by_step.get(method.__name__, 0.0) + spent

    return wrapper


class DangjianKBConfig(base.Config):
    root = c.Type(str, default=".")
    """Knowledge-base root (holding handbook/, problems/, cases/), relative to mkdocs.yml."""
    taxonomy = c.Type(str, default="taxonomy.yml")
    """Taxonomy file relative to the root; the shipped five focuses when it does not exist."""
    synonyms = c.Type(str, default="synonyms.yml")
    """Synonym groups for the finder, relative to the root; the shipped list when it does not exist."""
    today = c.Optional(c.Type(str))
    """Fixed 'today' (YYYY-MM-DD) for review dates; for reproducible builds and tests."""


class DangjianKBPlugin(BasePlugin[DangjianKBConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.kb: validate.KnowledgeBase | None = None
        self.views: Views | None = None
        self.entries_by_src: dict[str, object] = {}
        self.generated: dict[str, GeneratedPage] = {}
        self.own_seconds = 0.0
        self.own_by_step: dict[str, float] = {}
        self._timing_depth = 0
        self._pool = self._finder_job = None
        self._finder_script = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / self.config.root).resolve()
        self.today = dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today()
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
        for name in ASSET_CSS:
            if name not in config.extra_css:
                config.extra_css.append(name)
        for name in ASSET_JS:
            if name not in config.extra_javascript:
                config.extra_javascript.append(name)
        return config

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._write_finder_index(config)
        log.debug(f"插件自身耗时 {self.own_seconds:.2f} 秒")
        target = os.environ.get("DANGJIAN_KB_TIMINGS")
        if target:  # read by bench/bench_build.py
            Path(target).write_text(
                json.dumps({"plugin_seconds": self.own_seconds, "steps": self.own_by_step}), "utf-8"
            )
        self.own_seconds, self.own_by_step = 0.0, {}

    @_timed
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        with validate.gc_paused():
            return self._generate(files, config)

    def _generate(self, files: Files, config: MkDocsConfig) -> Files:
        self.kb = self._load()
        self.views = Views(self.kb, self.today)
        self.entries_by_src = {}
        for entry in self.kb.entries:
            self._add(
                files, config, entry.src_uri, entry.title, body_links.rewrite(entry, self.kb.by_id, self.kb.by_rel)
            )
            self.entries_by_src[entry.src_uri] = entry
        self.generated = {}
        self.stamp = self._stamp()
        extra = [self.views.about(self.stamp), self.views.print_page(self._markdown_renderer(config))]
        for page in self.views.pages() + extra:
            self._add(files, config, page.src_uri, page.title, "")
            self.generated[page.src_uri] = page
        self._add_package_assets(files, config)
        self._start_finder_index()
        for rel in self.kb.assets:
            files.append(
                File.generated(config, rel, abs_src_path=str(self.root / rel), inclusion=InclusionLevel.NOT_IN_NAV)
            )
        config.nav = nav.build(self.kb, self.views, files, config.nav)
        return files

    @_timed
    def _stamp(self) -> stamp_mod.Stamp:
        return stamp_mod.Stamp(stamp_mod.build_time(), stamp_mod.git_commit(self.root), **self.views.totals())

    @staticmethod
    def _markdown_renderer(config: MkDocsConfig):
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {})

        def render(text: str) -> str:
            return md.reset().convert(text)

        return render

    @_timed
    def _start_finder_index(self) -> None:
        """Build the finder's index in a worker process, in parallel with page rendering;
        in-process where no worker can be started."""
        args = (
            str(self.root),
            str(self.root / self.config.taxonomy),
            str(self.root / self.config.synonyms),
            self.today.isoformat(),
            self.docs_dir,
        )
        try:
            # spawn, not fork: `mkdocs serve` runs threads, and a forked child may inherit a held lock
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._finder_job = self._pool.submit(finder_index.script_for, *args)
        except (OSError, RuntimeError, ValueError) as exc:
            log.debug(f"no worker process for the finder index ({exc}); building it in-process")
            self._pool, self._finder_job = None, None
            self._finder_script = finder_index.script_for(*args)

    @_timed
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

    @staticmethod
    def _add_package_assets(files: Files, config: MkDocsConfig) -> None:
        """Stylesheets and scripts ship in the package, so the site needs no network."""
        root = resources.files("dangjian_kb").joinpath("assets")
        for path in sorted(Path(str(root)).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                uri = ASSET_PREFIX + path.relative_to(str(root)).as_posix()
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, abs_src_path=str(path)))

    @_timed
    def _load(self) -> validate.KnowledgeBase:
        try:
            kb = validate.load(self.root, self.root / self.config.taxonomy, self.today)
        except TaxonomyError as exc:
            raise PluginError(str(exc)) from None
        for finding in kb.warnings:
            log.warning(str(finding))
        if kb.errors:
            listed = "\n".join(map(str, kb.errors))
            if not self.serving:
                raise PluginError(f"知识库检查发现 {len(kb.errors)} 个错误，网站未生成：\n{listed}")
            # keep `mkdocs serve` alive: the writer fixes the file and the preview rebuilds
            log.error(f"知识库检查发现 {len(kb.errors)} 个错误（预览继续运行，修正并保存后自动重新生成）：\n{listed}")
        return kb

    @staticmethod
    def _add(files: Files, config: MkDocsConfig, src_uri: str, title: str, body: str) -> None:
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            files.remove(existing)
        front = "---\ntitle: " + json.dumps(html.escape(title), ensure_ascii=False) + "\n"
        front += "---\n"
        files.append(File.generated(config, src_uri, content=front + body, inclusion=InclusionLevel.NOT_IN_NAV))

    @_timed
    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        entry = self.entries_by_src.get(src)
        if entry is not None:
            return self.views.card(entry) + html_text + self.views.related(entry)
        generated = self.generated.get(src)
        if generated is not None:
            return generated.html
        if LATEST_MARKER in html_text:
            return html_text.replace(LATEST_MARKER, self.views.latest(page.file.url))
        return html_text

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        for coll in ALL:
            folder = self.root / coll.name
            if folder.is_dir():
                server.watch(str(folder))
        for data in (self.root / self.config.taxonomy, self.root / self.config.synonyms):
            if data.is_file():
                server.watch(str(data))
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self._pool is not None:  # the finder worker of a build that failed
            self._pool.shutdown(cancel_futures=True)
            self._pool, self._finder_job = None, None
