"""Find the files of each collection and read them as text, reporting what cannot be read."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from dangjian_kb.check.suggest import closest
from dangjian_kb.model import os_reason
from dangjian_kb.model.collection import ALL, Collection
from dangjian_kb.model.findings import Finding, printable

_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # os.scandir's surrogate escapes of undecodable bytes
# Characters XML (and so a Word file) cannot hold, and no editor shows: tab and line breaks aside.
CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_BYTES = 1_000_000  # a knowledge-base entry is a few KB; anything this big is a mistake
# Characters that mean something in HTML, a shell or a URL, and invisible ones: not in a file name.
UNSAFE_NAME = re.compile(r"[<>\"'`\\|?*&#%{}\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# Published as they are, so only types that cannot carry script, each recognized by its first bytes
# (a secret renamed to .png is not an image). SVG is XML that can hold <script>: refused.
ASSET_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
}
REFUSED_SUFFIXES = {".svg", ".svgz", ".html", ".htm", ".js", ".xhtml", ".xml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


@dataclass(frozen=True)
class Source:
    rel: str  # POSIX path relative to the root, e.g. "problems/P-0012-党费.md"
    collection: Collection
    text: str


@dataclass
class Scan:
    sources: list[Source]
    assets: list[str]  # relative paths of images and attachments to publish as they are
    findings: list[Finding]


def root_problem(root: Path) -> str | None:
    """Why ``root`` is not a knowledge base (Chinese, for the user), or None."""
    if not root.is_dir():
        return f"{root}: 目录不存在。请指定知识库根目录（含 handbook/、problems/、cases/）。"
    if not any((root / coll.name).is_dir() for coll in ALL):
        return f"{root}: 不是知识库目录：其中没有 handbook/、problems/ 或 cases/ 文件夹。"
    return None


def named_file_problem(option: str, path: Path, shown: str | None = None) -> str | None:
    """Why a file the user named (an option, not the default) cannot be used, or None: a missing
    register silently replaced by the built-in one (or by none) would check the wrong rules."""
    if path.is_file():
        return None
    shown = shown or str(path)
    if path.exists():
        return f"{option} 指定的 '{shown}' 不是文件。请指定一个 YAML 文件。"
    folder = path.parent if path.parent.is_dir() else None
    names = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder else []
    guess = closest(path.name, [n for n in names if n.endswith((".yml", ".yaml"))], cutoff=0.6)
    hint = f"是否想写 '{Path(shown).with_name(guess)}'？" if guess else "请检查路径，或去掉这一项以使用默认文件。"
    return f"{option} 指定的文件 '{shown}' 不存在。{hint}"


def site_pages(root: Path, folder: Path) -> list[Finding]:
    """What in ``folder`` (docs/: MkDocs publishes every file in it) is not published: symlinks that
    lead out of the repository (KB011; a pull request can carry a link to ../.env), ``folder``
    itself if it is one, and files outside the allowlist of page and asset types (KB039: a
    docs/x.html or x.svg would be copied as it is and run in the site's origin)."""
    root = root.resolve()
    out: list[Finding] = []

    def rel_of(path: Path) -> str:
        return os.path.relpath(path, root).replace(os.sep, "/")

    def refuse(path: Path, what: str) -> None:
        out.append(Finding(rel_of(path), 0, "KB011", f"{what}指向仓库之外，已拒绝读取和发布。请把文件本身放入仓库。"))

    if folder.is_symlink() and not _inside(root, folder):
        refuse(folder, "网站页面文件夹是符号链接，")
        return out
    for dirpath, dirnames, filenames in os.walk(folder):  # links to folders are not walked into
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # MkDocs skips dot folders too
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if path.is_symlink():
                # MkDocs follows a link in docs/ and publishes what it reaches, even a folder inside
                # the repository (docs/g -> ../.git, or a folder of scripts): no link is published
                if _loops(path) or not _inside(root, path):
                    refuse(path, "符号链接")
                else:
                    out.append(Finding(rel_of(path), 0, "KB011", _DOCS_LINK))
            elif UNSAFE_NAME.search(name):
                shown = printable(name)
                out.append(
                    Finding(
                        rel_of(path).replace(name, shown),
                        0,
                        "KB044",
                        f"文件名 '{shown}' 含有不能发布的字符。请改用汉字、字母、数字、- 和 _。",
                    )
                )
            elif name in filenames and not name.startswith("."):
                problem = _page_file_problem(path, name)
                if problem:
                    out.append(Finding(rel_of(path), 0, "KB039", problem))
    return sorted(out)


_DOCS_LINK = "网站页面文件夹中的符号链接不予发布（它会把链接到的文件夹整个发布出去）。请把文件本身放进 docs/。"


def _page_file_problem(path: Path, name: str) -> str | None:
    try:
        regular = stat.S_ISREG(path.stat().st_mode)  # a FIFO would block the build's read
    except OSError as exc:
        return f"无法读取文件（{os_reason.describe(exc)}），不予发布。请检查文件权限。"
    if not regular:
        return "不是普通文件（命名管道或设备文件），不予发布，也没有读取。请删除它。"
    suffix = _suffix(name)
    if suffix in MARKDOWN_SUFFIXES:
        return None
    if suffix not in ASSET_MAGIC:
        return f"网站页面文件夹只发布 Markdown 页面、图片和 PDF，'{suffix or name}' 文件不予发布。请删除它，或改存为图片或 PDF。"
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"无法读取文件（{os_reason.describe(exc)}），不予发布。请检查文件权限。"
    if not head.startswith(ASSET_MAGIC[suffix]) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        return f"文件名是 '{suffix}'，内容却不是这种文件，不予发布。请用图片或 PDF 软件重新导出。"
    return None


def scan(root: Path) -> Scan:
    root = root.resolve()
    result = Scan([], [], [])
    seen: set[Path] = set()  # real folders already walked: a symlink loop is read once
    homes = [(root / coll.name).resolve() for coll in ALL if not (root / coll.name).is_symlink()]
    for coll in ALL:
        folder = root / coll.name
        if folder.is_symlink() and not _inside(root, folder):
            result.findings.append(
                Finding(
                    coll.name, 0, "KB011", "内容文件夹是指向知识库之外的符号链接，已拒绝读取。请把文件夹本身放入仓库。"
                )
            )
        elif folder.is_dir():
            _walk(root, folder, coll.name, coll, result, seen, homes)
    result.sources.sort(key=lambda s: s.rel)
    result.assets.sort()
    return result


def _walk(
    root: Path, folder: Path, rel_dir: str, coll: Collection, out: Scan, seen: set[Path], homes: list[Path]
) -> None:
    """``rel_dir`` is ``folder`` relative to ``root``: names are joined as strings, not resolved."""
    try:
        real = folder.resolve()
    except (OSError, RuntimeError):
        real = folder
    if real in seen:
        return
    seen.add(real)
    try:
        items = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        out.findings.append(Finding(rel_dir, 0, "KB036", f"无法读取文件夹（{os_reason.describe(exc)}）。请检查权限。"))
        return
    for item in items:
        if item.name.startswith("."):
            continue  # .gitkeep, .DS_Store: editor and VCS files, never content
        if _NOT_UTF8.search(item.name):  # bytes the file system holds that are not UTF-8
            shown = item.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            out.findings.append(
                Finding(
                    f"{rel_dir}/{shown}",
                    0,
                    "KB044",
                    "文件名不是 UTF-8 编码（乱码），未读取、不发布。请在 UTF-8 的系统上重新命名，只用汉字、字母、数字、- 和 _。",
                )
            )
            continue
        rel = f"{rel_dir}/{item.name}"
        bad = UNSAFE_NAME.search(item.name)
        if bad:  # a name ends up in addresses, pages and terminals: never published as it is
            out.findings.append(
                Finding(
                    rel,
                    0,
                    "KB044",
                    f"文件名含有不允许的字符 '{bad[0]}'，未读取、不发布。请改名，只用汉字、字母、数字、- 和 _。",
                )
            )
            continue
        if item.is_symlink() and _loops(Path(item.path)):
            out.findings.append(
                Finding(rel, 0, "KB042", "符号链接互相指向，形成循环，无法读取。请删除这个链接，或把文件本身放入仓库。")
            )
            continue
        if item.is_symlink() and not any(_inside(home, Path(item.path)) for home in homes):
            out.findings.append(
                Finding(
                    rel, 0, "KB011", "符号链接指向内容文件夹之外，已拒绝读取和发布。请把文件本身放入仓库的内容文件夹。"
                )
            )
            continue
        kind = _kind(item)
        if kind == "dir":
            _walk(root, Path(item.path), rel, coll, out, seen, homes)
            continue
        if kind != "file":
            out.findings.append(Finding(rel, 0, "KB042", f"不是普通文件（{kind}），已跳过，没有读取。请删除它。"))
            continue
        suffix = _suffix(item.name)
        if suffix in ASSET_MAGIC:
            _asset(rel, Path(item.path), suffix, out)
        elif suffix in REFUSED_SUFFIXES:
            out.findings.append(
                Finding(
                    rel, 0, "KB039", f"'{suffix}' 文件可能含有脚本，不予发布。图片请另存为 PNG 或 JPG，文档请用 PDF。"
                )
            )
        elif suffix not in MARKDOWN_SUFFIXES:
            out.findings.append(
                Finding(
                    rel,
                    0,
                    "KB010",
                    f"不是 Markdown 文件（'{suffix or item.name}'），不会发布。条目请保存为 .md；附件请用图片或 PDF。",
                )
            )
        else:
            _read(rel, item, coll, out)


def _suffix(name: str) -> str:
    """The name's suffix in lower case, as ``Path.suffix`` reads it (none for 'a.' or '.x')."""
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext else ""


def _kind(item: os.DirEntry) -> str:
    """'file', 'dir', or what else it is, without opening it (a FIFO would block a read)."""
    try:  # the directory listing already knows the type of most entries: no system call
        if item.is_file():
            return "file"
        if item.is_dir():
            return "dir"
    except OSError:
        pass
    try:
        mode = os.stat(item.path).st_mode
    except OSError as exc:
        return f"无法访问：{os_reason.describe(exc)}"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "设备文件"


def _asset(rel: str, path: Path, suffix: str, out: Scan) -> None:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        out.findings.append(Finding(rel, 0, "KB036", f"无法读取文件（{os_reason.describe(exc)}）。请检查文件权限。"))
        return
    if size > MAX_ASSET_BYTES:
        out.findings.append(
            Finding(
                rel,
                0,
                "KB009",
                f"附件过大（{size // 1_000_000} MB，上限 {MAX_ASSET_BYTES // 1_000_000} MB）。请压缩后再提交。",
            )
        )
    elif not head.startswith(ASSET_MAGIC[suffix]) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        out.findings.append(
            Finding(
                rel, 0, "KB039", f"文件名是 '{suffix}'，内容却不是这种文件，不予发布。请用图片或 PDF 软件重新导出。"
            )
        )
    else:
        out.assets.append(rel)


MAX_ASSET_BYTES = 20_000_000


def _read(rel: str, item: os.DirEntry, coll: Collection, out: Scan) -> None:
    try:  # the listing's entry and an unbuffered read: no Path, two system calls fewer per file
        size = item.stat().st_size
        if size > MAX_BYTES:
            out.findings.append(
                Finding(
                    rel,
                    0,
                    "KB009",
                    f"文件过大（{size // 1024} KB，上限 {MAX_BYTES // 1024} KB）。请拆分为多个条目或删除粘贴进来的无关内容。",
                )
            )
            return
        with open(item.path, "rb", buffering=0) as fh:
            raw = fh.read()
    except OSError as exc:
        out.findings.append(Finding(rel, 0, "KB036", f"无法读取文件（{os_reason.describe(exc)}）。请检查文件权限。"))
        return
    text = decode(raw)
    if text is None:
        out.findings.append(Finding(rel, 0, "KB001", _encoding_message(raw)))
        return
    if "\x00" in text:
        out.findings.append(
            Finding(rel, 0, "KB001", "文件含有空字符，像是二进制文件或 UTF-16 编码。请用文本编辑器另存为 UTF-8。")
        )
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # in the body (the front matter's are reported and removed with their field, KB004): invisible,
    # pasted in with the text, and Word files and XML cannot hold them at all
    closing = text.find("\n---", 3) if text.startswith("---") else -1
    bad = CONTROL.search(text, closing + 1)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        out.findings.append(
            Finding(
                rel,
                line,
                "KB001",
                f"这一行含有看不见的控制字符 U+{ord(bad[0]):04X}（常随复制粘贴带入）。请删除它：可把这一行删掉后重新输入。",
            )
        )
    out.sources.append(Source(rel, coll, text))


def decode(raw: bytes) -> str | None:
    """UTF-8 with or without BOM; anything else is refused (and explained)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _encoding_message(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw[:4096]):
        return "文件是 UTF-16 编码。请在编辑器中选择“另存为 → 编码 UTF-8”。"
    if b"\x00" in raw[:4096]:
        return "文件像是二进制文件（如图片、Word 文档），不是文本。条目请保存为 UTF-8 编码的 .md 文本文件。"
    try:
        raw.decode("gb18030")
        return "文件是 GBK/GB18030 编码，不是 UTF-8。请在编辑器中选择“另存为 → 编码 UTF-8”后重新提交。"
    except UnicodeDecodeError:
        return "文件不是 UTF-8 编码。请在编辑器中选择“另存为 → 编码 UTF-8”后重新提交。"


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: it decodes, and the text is mostly printable."""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = head[: len(head) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if text and printable / len(text) > 0.95 and "\x00" not in text:
            return True
    return False


def _loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11, 3.12
        return True
    except OSError as exc:  # 3.13 raises OSError(ELOOP)
        return exc.errno == errno.ELOOP
    return False


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False
