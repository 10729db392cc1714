"""`dangjian-kb new case|problem|handbook|template`: start a new entry from the template of its collection.

    dangjian-kb new problem --title "党员老是不按时交党费" --category 制度建设 --topic 党费管理
    dangjian-kb new case --title "…" --topic 党费管理          # the category follows from the topic
    dangjian-kb new handbook --title "…"                      # next section of the last chapter
    dangjian-kb new handbook --title "…" --id HB-6            # a new chapter, or any free HB-x.y
    dangjian-kb new template --title "…" --topic 换届选举 --doctype 请示   # a document template

Ids: problems, cases and templates get the next free number (taken under a lock on the folder,
so two `new` at once get two ids), one above the highest found anywhere in the collection
folders: in file names (even of files whose front matter is broken or
that sit in the wrong folder) and in `id:` lines, so an id used in the tree is never reused.
Handbook ids follow the chapters: without --id the entry becomes the next section of the last
chapter (HB-5.3 exists, so HB-5.4); a new chapter, or a section elsewhere, needs --id.

The text comes from data/new/<collection>.md. Every required field is filled (id, title,
dates: today) or marked with a prompt
('unit: 待填写：…'), and every required heading carries a one-line prompt. `check` reports
each prompt left in place as KB038, so the entry cannot be published half-written.

Exit status: 0 written (the path is printed), 1 the file or id already exists (nothing is
overwritten), 2 a wrong argument (unknown category or topic, malformed id or title).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX: one `new` at a time per folder
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from dangjian_kb.check.rules_body import PROMPT_MARK as MARK
from dangjian_kb.check.rules_fields import normalized_id
from dangjian_kb.check.sources import UNSAFE_NAME, root_problem
from dangjian_kb.check.suggest import ask_or, did_you_mean
from dangjian_kb.model.collection import ALL, BY_NAME, DOCTYPES, HANDBOOK, is_chapter

EXIT_OK, EXIT_EXISTS, EXIT_USAGE = 0, 1, 2
KINDS = {"problem": "problems", "case": "cases", "handbook": "handbook", "template": "templates"}
FOLDERS = tuple(c.name for c in ALL)

_PREFIXES = "|".join(c.prefix for c in ALL)
_NAME_ID = re.compile(rf"({_PREFIXES})[-－_–—]?(\d+(?:\.\d+)*)", re.IGNORECASE)
_META_ID = re.compile(
    rf"^\s*id\s*[:：]\s*[\"']?\s*({_PREFIXES})\s*[-－_–—]?\s*(\d+(?:\.\d+)*)", re.IGNORECASE | re.MULTILINE
)
_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|#%\[\]{}^`~\x00-\x1f\x7f]+")
_SPACES = re.compile(r"\s+")
MAX_NAME_CHARS = 40  # of the title part of the file name
HEAD_BYTES = 4096  # where an `id:` line is looked for


class ScaffoldError(Exception):
    """A Chinese message for the writer, and the exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


# -- command line --------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help="按模板新建条目（问题、案例或手册小节）",
        description="按模板新建条目：自动分配下一个未用编号，写好必填字段和必需的小标题，"
        "把以“待填写：”开头的提示换成实际内容后即可通过检查。",
    )
    p.add_argument(
        "kind", choices=tuple(KINDS), help="条目类型：problem 问题、case 案例、handbook 手册、template 文书模板"
    )
    p.add_argument("--title", required=True, help="标题，一行文字")
    p.add_argument("--category", help="分类（问题和案例必填，可由 --topic 推出），须在分类文件中")
    p.add_argument("--topic", help="主题，须属于该分类")
    p.add_argument(
        "--root", type=Path, default=Path("."), help="知识库根目录（含 handbook/ problems/ cases/），默认当前目录"
    )
    p.add_argument(
        "--id", dest="entry_id", help="仅用于手册：编号，如 HB-6（新的一章）或 HB-2.6；不写时为最后一章的下一节"
    )
    p.add_argument("--doctype", help=f"仅用于文书模板：文种，可选：{'、'.join(DOCTYPES)}")
    p.add_argument("--taxonomy", type=Path, help="分类文件，默认为 <root>/taxonomy.yml，不存在时用内置的五个聚焦")
    p.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.taxonomy is not None:  # as `check` does: a named file that is not there is a usage error
        from dangjian_kb.check.sources import named_file_problem  # noqa: PLC0415

        problem = named_file_problem("--taxonomy", args.taxonomy)
        if problem:
            print(f"用法错误：{problem}", file=sys.stderr)
            return 2
    try:
        path, entry_id, notes = create(
            args.kind,
            args.title,
            root=args.root,
            category=args.category,
            topic=args.topic,
            entry_id=args.entry_id,
            taxonomy_path=args.taxonomy,
            today=args.today,
            doctype=args.doctype,
        )
    except ScaffoldError as exc:
        print(f"dangjian-kb new: {exc}", file=sys.stderr)
        return exc.status
    print(path)
    for note in notes:
        print(f"提示：{note}", file=sys.stderr)
    print(
        f"已新建 {entry_id}。请把以“{MARK}”开头的提示换成实际内容，然后运行 dangjian-kb check 检查。", file=sys.stderr
    )
    return EXIT_OK


# -- the work ------------------------------------------------------------------------------------


def create(
    kind: str,
    title: str,
    *,
    root: Path = Path("."),
    category: str | None = None,
    topic: str | None = None,
    entry_id: str | None = None,
    taxonomy_path: Path | None = None,
    today: dt.date | None = None,
    doctype: str | None = None,
) -> tuple[Path, str, list[str]]:
    """Write the new entry; return its path (root joined with the relative path), id and notes for the writer."""
    root = Path(root)
    problem = root_problem(root)
    if problem:
        raise ScaffoldError(problem + "请用 --root 指定。")
    collection = KINDS[kind]
    doctype = _doctype(collection, doctype)
    if entry_id and BY_NAME[collection].numbered:
        raise ScaffoldError("--id 只用于手册（handbook）。问题和案例的编号由工具自动分配为下一个未用编号，不必指定。")
    title = clean_title(title)
    category, topic = resolve_taxonomy(collection, category, topic, root, taxonomy_path)
    folder = root / collection
    with _claim(folder):  # two `new` at once: the second sees the first one's file and takes the next id
        used = ids_in_tree(root)
        entry_id, notes = choose_id(collection, entry_id, used)
        path = folder / file_name(entry_id, title)
        text = render(collection, entry_id, title, category, topic, today or dt.date.today(), doctype)
        write_new(path, text.encode("utf-8"))
    return path, entry_id, notes


@contextlib.contextmanager
def _claim(folder: Path) -> Iterator[None]:
    """An exclusive lock on the collection folder while an id is chosen and its file created."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise ScaffoldError(f"{folder}: 无法打开文件夹（{exc.strerror}）。请检查文件夹权限。", EXIT_EXISTS) from None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _doctype(collection: str, doctype: str | None) -> str | None:
    """文种 of a new template: required for templates, refused elsewhere."""
    value = (doctype or "").strip()
    if not BY_NAME[collection].placeholders:
        if value:
            raise ScaffoldError("--doctype 只用于文书模板（template）。")
        return None
    if not value:
        raise ScaffoldError(f"文书模板必须有文种。请加 --doctype，可选：{'、'.join(DOCTYPES)}。")
    if value not in DOCTYPES:
        raise ScaffoldError(f"未知文种 '{value}'。{did_you_mean(value, DOCTYPES)}")
    return value


def clean_title(title: str) -> str:
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in title or ""):
        # bytes that are not UTF-8 reach argv as surrogate escapes (a terminal in GBK, say)
        raise ScaffoldError("标题含有无法识别的字符：终端可能不是 UTF-8 编码。请把终端设为 UTF-8 后重新输入标题。")
    text = unicodedata.normalize("NFC", title or "").strip()
    if not text:
        raise ScaffoldError('标题不能为空。请用 --title 写一行标题，如 --title "党员老是不按时交党费"。')
    if "\n" in text or "\r" in text:
        raise ScaffoldError("标题只能写一行。请把说明写到正文里。")
    bad = next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")), None)
    if bad is not None:
        raise ScaffoldError(f"标题含有看不见的控制字符（U+{ord(bad):04X}）。请重新输入标题。")
    return text


def resolve_taxonomy(
    collection: str, category: str | None, topic: str | None, root: Path, taxonomy_path: Path | None
) -> tuple[str | None, str | None]:
    """Check --category/--topic against the taxonomy; the category may follow from the topic."""
    from dangjian_kb.model import taxonomy as taxonomy_mod  # noqa: PLC0415 - YAML only when a command needs it

    try:
        tax = taxonomy_mod.load(taxonomy_path if taxonomy_path is not None else root / taxonomy_mod.DEFAULT_FILE)
    except taxonomy_mod.TaxonomyError as exc:
        raise ScaffoldError(str(exc)) from None
    category = (category or "").strip() or None
    topic = (topic or "").strip() or None
    if category is not None and tax.get(category) is None:
        owner = tax.category_of_topic(category)
        if owner:
            raise ScaffoldError(
                f"'{category}' 是分类 '{owner}' 下的主题，不是分类。请写 --category {owner} --topic {category}。"
            )
        raise ScaffoldError(f"未知分类 '{category}'。{did_you_mean(category, tax.names())}")
    if topic is not None:
        owner = tax.category_of_topic(topic)
        if category is None and owner is None:
            raise ScaffoldError(f"未知主题 '{topic}'。{did_you_mean(topic, tax.all_topics())}")
        if category is None:
            category = owner
        elif topic not in tax.get(category).topics:
            fix = (
                f"'{topic}' 属于分类 '{owner}'：请改为 --category {owner}。"
                if owner
                else did_you_mean(topic, tax.get(category).topics)
            )
            raise ScaffoldError(f"主题 '{topic}' 不属于分类 '{category}'。{fix}")
    if category is None and "category" in BY_NAME[collection].required:
        noun = BY_NAME[collection].noun or BY_NAME[collection].label
        raise ScaffoldError(
            f"{noun}必须有分类。请加 --category，可选：{'、'.join(tax.names())}（或只写 --topic，分类随主题确定）。"
        )
    return category, topic


def ids_in_tree(root: Path) -> dict[str, str]:
    """Every id found under the collection folders -> the first file that has it (file names and `id:` lines)."""
    found: dict[str, str] = {}
    for folder in FOLDERS:
        base = root / folder
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                for entry_id in _ids_of_file(path, name):
                    found.setdefault(entry_id, rel)
    return found


def _ids_of_file(path: Path, name: str) -> list[str]:
    ids = []
    m = _NAME_ID.match(name)
    if m:
        ids.append(_canonical(m[1], m[2]))
    if name.lower().endswith((".md", ".markdown")):
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES).decode("utf-8", errors="replace")
        except OSError:
            return ids
        m = _META_ID.search(head)
        if m:
            ids.append(_canonical(m[1], m[2]))
    return ids


def _canonical(prefix: str, number: str) -> str:
    prefix = prefix.upper()
    if prefix == "HB":
        return "HB-" + ".".join(str(int(n)) for n in number.split(".") if n)
    return f"{prefix}-{int(number.split('.')[0]):04d}"


def choose_id(collection: str, requested: str | None, used: dict[str, str]) -> tuple[str, list[str]]:
    coll = BY_NAME[collection]
    if coll.numbered:
        prefix = coll.prefix
        numbers = [int(i.split("-", 1)[1]) for i in used if i.startswith(prefix + "-")]
        return f"{prefix}-{max(numbers, default=0) + 1:04d}", []
    return _handbook_id(requested, used)


def _handbook_id(requested: str | None, used: dict[str, str]) -> tuple[str, list[str]]:
    numbers = [tuple(int(n) for n in i[3:].split(".")) for i in used if i.startswith("HB-")]
    if requested is None:
        if not numbers:
            raise ScaffoldError("手册中还没有任何章节，无法推断编号。请用 --id 指定，如 --id HB-1（第一章）。")
        chapter = max(n[0] for n in numbers)
        section = max((n[1] for n in numbers if n[0] == chapter and len(n) > 1), default=0) + 1
        return f"HB-{chapter}.{section}", []
    value = requested.strip()
    if not HANDBOOK.id_pattern.fullmatch(value):
        guess = normalized_id(value, HANDBOOK)
        fix = ask_or(guess, f"格式为 {HANDBOOK.id_hint}。")
        raise ScaffoldError(f"手册编号 '{value}' 格式不对。{fix}")
    if value in used:
        raise ScaffoldError(
            f"编号 '{value}' 已被 {used[value]} 使用，编号不可重复。请换一个编号，或直接编辑该文件。", EXIT_EXISTS
        )
    notes = []
    chapter = value.split(".")[0]
    if "." in value and chapter not in used:
        notes.append(
            f'章 {chapter} 还不存在，check 会给出警告 KB035。请同时新建章首页：dangjian-kb new handbook --id {chapter} --title "第…章 …"。'
        )
    return value, notes


def file_name(entry_id: str, title: str) -> str:
    """`<id>-<title made safe for file names>.md`; handbook entries are just `<id>.md`."""
    if entry_id.startswith("HB-"):
        return f"{entry_id}.md"
    stem = _SPACES.sub("-", UNSAFE_NAME.sub("-", _UNSAFE_NAME.sub("-", title)))  # what check refuses, too
    stem = re.sub(r"-{2,}", "-", stem).strip("-. ")[:MAX_NAME_CHARS].rstrip("-. ")
    return f"{entry_id}-{stem}.md" if stem else f"{entry_id}.md"


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` exclusively; on any failure nothing is left behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as fh:
            try:
                fh.write(data)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
    except FileExistsError:
        raise ScaffoldError(f"{path} 已存在，不会覆盖。请换一个编号或标题，或直接编辑该文件。", EXIT_EXISTS) from None
    except OSError as exc:
        raise ScaffoldError(f"{path}: 无法写入（{exc.strerror}）。请检查文件夹权限。", EXIT_EXISTS) from None


# -- the templates: data/new/<collection>.md (a chapter: <collection>-chapter.md) ------------------

# The closing line each 文种 customarily ends its main text with (a 请示 must ask for a decision).
CLOSINGS = {"请示": "\n以上请示当否，请批复。\n", "报告": "\n特此报告。\n", "通知": "\n特此通知。\n"}


def render(
    collection: str,
    entry_id: str,
    title: str,
    category: str | None,
    topic: str | None,
    today: dt.date,
    doctype: str | None = None,
) -> str:
    """The new entry from its collection's template file; `$names` are filled, `{{key}}` stays as written."""
    from importlib import resources  # noqa: PLC0415 - only `new` reads the templates
    from string import Template  # noqa: PLC0415

    name = f"{collection}-chapter" if is_chapter(entry_id) else collection
    text = resources.files("dangjian_kb").joinpath("data", "new", f"{name}.md").read_text("utf-8")
    taxonomy = (f"category: {_scalar(category)}\n" if category else "") + (
        f"topic: {_scalar(topic)}\n" if topic else ""
    )
    return Template(text).substitute(
        id=entry_id,
        title=_scalar(title),
        heading=title,
        taxonomy=taxonomy,
        day=today.isoformat(),
        doctype=doctype or "",
        closing=CLOSINGS.get(doctype or "", ""),
    )


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\[\]{},\"']*")
_YAML_SPECIAL = re.compile(r"[-+]?[\d._]+|true|false|null|yes|no|on|off|y|n|~", re.IGNORECASE)


def _scalar(value: str) -> str:
    """As a person would type it where that is safe YAML; double-quoted otherwise."""
    import json  # noqa: PLC0415 - only `new` needs it

    if _PLAIN.fullmatch(value) and not _YAML_SPECIAL.fullmatch(value) and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)
