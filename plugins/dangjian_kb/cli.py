"""`dangjian-kb`: check, new and bundle, as thin adapters over the core."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

from dangjian_kb import __version__
from dangjian_kb.model import dates
from dangjian_kb.site import bundle, stamp

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


# argparse's own wording, said in Chinese for contributors.
_ARGPARSE_ZH = [
    (re.compile(r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)"), r"参数 \1 的取值 \2 无效，可选：\3"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (\S+)"), r"参数 \1 的值 \3 格式不对"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面需要一个值"),
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必需的参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (re.compile(r"^argument (\S+): "), r"参数 \1："),  # our own messages after argparse's prefix
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, zh in _ARGPARSE_ZH:
            message = pattern.sub(zh, message)
        self.print_usage(sys.stderr)
        sys.stderr.write(f"用法错误：{message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dangjian-kb", description="基层党建知识库工具：检查、新建条目、打包离线版。")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="检查知识库内容（不生成网页）")
    check.add_argument(
        "path", nargs="?", default=".", help="知识库根目录（含 handbook/ problems/ cases/），默认当前目录"
    )
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="输出格式")
    check.add_argument("--taxonomy", type=Path, help="分类文件，默认为 <path>/taxonomy.yml，不存在时用内置的五个聚焦")
    check.add_argument(
        "--regulations", type=Path, help="制度依据登记表，默认为 <path>/regulations.yml，不存在时 basis 按自由文字处理"
    )
    check.add_argument("--today", type=dates.date_arg, help=argparse.SUPPRESS)
    check.add_argument("--register", help="换届台账文件，默认为 <path>/organizations.yml（不存在时不检查）")
    check.add_argument("--overdue-error", action="store_true", help="任期已届满按错误处理（KB068），默认只提示")
    check.set_defaults(func=_check)
    _add_more_commands(sub)
    return parser


def _add_more_commands(sub: argparse._SubParsersAction) -> None:
    from dangjian_kb.authoring import reminders, scaffold

    scaffold.register(sub)
    reminders.register(sub)
    p = sub.add_parser("bundle", help="生成离线包 dist/<名称>-<日期>.zip（双击 index.html 即可离线使用）")
    p.add_argument("--config", "-f", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件，默认 mkdocs.yml")
    p.add_argument("--site-dir", type=Path, help="直接打包已生成的网站目录（不重新生成）")
    p.add_argument("--out", type=Path, default=Path("dist"), help="输出目录，默认 dist")
    p.add_argument("--name", default="dangjian-kb", help="离线包名称（ASCII），默认 dangjian-kb")
    p.set_defaults(func=_bundle)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `check | head`: the reader stopped early; the outcome is not known to be clean
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS


def _check(args: argparse.Namespace) -> int:
    from dangjian_kb.check import organizations, report, sources, validate
    from dangjian_kb.model.taxonomy import TaxonomyError

    root = Path(args.path)
    problem = sources.root_problem(root)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    register = (
        None if args.register is None else root / args.register
    )  # relative to the root, as organizations reads it
    named = [("--taxonomy", args.taxonomy), ("--regulations", args.regulations), ("--register", register)]
    for option, value in named:
        problem = value is not None and sources.named_file_problem(option, value)
        if problem:
            print(f"用法错误：{problem}", file=sys.stderr)
            return EXIT_USAGE
    try:
        kb = validate.load(root, args.taxonomy, args.today, args.regulations)
    except TaxonomyError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    kb.findings = sorted(
        kb.findings
        + organizations.findings(root, args.register, args.today, args.overdue_error, kb.entries)
        + sources.site_pages(root, root / "docs")
    )
    if args.format == "json":
        print(report.as_json(kb.findings, len(kb.entries)))
    elif args.format == "github":
        text = report.as_github(kb.findings, github_prefix(root))
        if text:
            print(text)
        print(report.summary(kb.findings, len(kb.entries)))
    else:
        print(report.as_text(kb.findings, len(kb.entries), colour=sys.stdout.isatty()))
    return EXIT_FINDINGS if kb.errors else EXIT_OK


def github_prefix(root: Path) -> str:
    """Annotations name files relative to the repository (the current directory in Actions)."""
    try:
        rel = root.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def _bundle(args: argparse.Namespace) -> int:
    if not args.name.isascii() or not args.name.replace("-", "").replace("_", "").isalnum():
        print(f"用法错误：名称 '{args.name}' 只能包含英文字母、数字、- 和 _。", file=sys.stderr)
        return 2
    started = time.perf_counter()
    site_dir = args.site_dir
    if site_dir is None:
        site_dir = _build_site(args.config)
        if site_dir is None:
            return 1
    try:
        target = bundle.make_zip(site_dir, args.out, args.name, stamp.build_time().strftime("%Y%m%d"))
    except bundle.BundleError as exc:
        print(exc, file=sys.stderr)
        return 1
    size = target.stat().st_size / 1e6
    print(f"离线包已生成：{target}（{size:.1f} MB，用时 {time.perf_counter() - started:.1f} 秒）")
    return 0


def _build_site(config_file: Path) -> Path | None:
    from mkdocs.commands.build import build  # noqa: PLC0415 - only the bundle path needs MkDocs
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import MkDocsException  # noqa: PLC0415

    if not config_file.is_file():
        print(f"{config_file}: 找不到 MkDocs 配置文件。请在知识库根目录运行，或用 --config 指定。", file=sys.stderr)
        return None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    try:
        config = load_config(str(config_file))
        build(config)
    except MkDocsException as exc:
        print(exc, file=sys.stderr)
        return None
    return Path(config.site_dir)


if __name__ == "__main__":
    raise SystemExit(main())
