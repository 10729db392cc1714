"""`dangjian-kb bundle`: build the site (through MkDocs) and pack it as one offline zip."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from . import bundle, stamp


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bundle", help="生成离线包 dist/<名称>-<日期>.zip（双击 index.html 即可离线使用）")
    p.add_argument("--config", "-f", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件，默认 mkdocs.yml")
    p.add_argument("--site-dir", type=Path, help="直接打包已生成的网站目录（不重新生成）")
    p.add_argument("--out", type=Path, default=Path("dist"), help="输出目录，默认 dist")
    p.add_argument("--name", default="dangjian-kb", help="离线包名称（ASCII），默认 dangjian-kb")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.name.isascii() or not args.name.replace("-", "").replace("_", "").isalnum():
        print(f"用法错误：名称 '{args.name}' 只能包含英文字母、数字、- 和 _。", file=sys.stderr)
        return 2
    started = time.perf_counter()
    site_dir = args.site_dir
    if site_dir is None:
        site_dir = _build(args.config)
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


def _build(config_file: Path) -> Path | None:
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
