"""Every document template as a Word file in 公文 layout (GB/T 9704-2012): A4, margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; title in 方正小标宋 2号 (22 pt), body in 仿宋_GB2312 3号
(16 pt) at a fixed 28.95 pt line pitch (22 lines a page). Placeholders are yellow-highlighted runs
showing the field's label; Markdown tables become Word tables. Bytes are deterministic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import multiprocessing
import re
import zipfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from dangjian_kb.model import document as doc_mod
from dangjian_kb.model.document import PLACEHOLDER, Field
from dangjian_kb.model.syntax import atx_heading

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {2: "黑体", 3: "楷体_GB2312"}
ASCII_FONT = "Times New Roman"
BODY_PT, TITLE_PT, LINE_PT = 16, 22, 28.95
INDENT_PT = 2 * BODY_PT  # first-line indent: two characters
FIXED_TIME = dt.datetime(2000, 1, 1)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

_INLINE = re.compile(r"(\*\*[^*\n]+?\*\*|\{\{[A-Za-z_][A-Za-z0-9_]*\}\})")
_LIST = re.compile(r"^\s*(?:[-*+]|(\d{1,9})[.)])[ \t]+(.*)$")
# matched on the stripped line: two runs of spaces side by side (^\s*\|?\s*) backtrack
# quadratically over a long blank line
_TABLE_SEP = re.compile(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?")
# no '[' or '(' inside: each try stops at the next one, so a run of them is read once
_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")  # [[ID]] links come resolved (KnowledgeBase.link_words)


def build(title: str, body: str, fields: tuple[Field, ...]) -> bytes:
    """The .docx bytes of a template whose [[…]] links are already words (KnowledgeBase.link_words)."""
    from docx import Document as Docx  # noqa: PLC0415 - only the build needs python-docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    labels = {f.key: f.label for f in fields}
    d = doc_mod.parse(body, 0, {f.key: f.kind for f in fields})
    word = Docx()
    _page(word)
    _styles(word)
    _page_number(word)
    w = _Writer(word, labels)
    if d.title:
        p = w.para(d.title, font=TITLE_FONT, size=TITLE_PT, indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        w.para("", indent=False)
    if d.recipient:
        w.para(d.recipient, indent=False)
    w.markdown(d.main)
    if d.signature:
        w.para("", indent=False)
        for line in d.signature:
            p = w.para(line, indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = _pt(INDENT_PT)
    props = word.core_properties
    props.title, props.author, props.last_modified_by = title, "dangjian-kb", "dangjian-kb"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    buf = io.BytesIO()
    word.save(buf)
    return _normalized_zip(buf.getvalue())


def _pt(value: float):
    from docx.shared import Pt  # noqa: PLC0415

    return Pt(value)


def _page(word) -> None:
    from docx.shared import Mm  # noqa: PLC0415

    s = word.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)


def _page_number(word) -> None:
    """GB/T 9704 page numbers: 4号 (14 pt) Arabic numerals between dashes, "— 1 —"."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.oxml import parse_xml  # noqa: PLC0415
    from docx.oxml.ns import nsdecls  # noqa: PLC0415

    p = word.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None
    for text in ("— ", None, " —"):
        if text is None:
            p._p.append(
                parse_xml(
                    f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'
                )
            )
        else:
            run = p.add_run(text)
            run.font.size = _pt(14)


def _styles(word) -> None:
    from docx.enum.text import WD_LINE_SPACING  # noqa: PLC0415

    normal = word.styles["Normal"]
    _font(normal.font, normal.element.get_or_add_rPr(), BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = _pt(LINE_PT)
    pf.space_before = pf.space_after = _pt(0)


def _font(font, rpr, east_asian: str, size: float | None = None) -> None:
    from docx.oxml.ns import qn  # noqa: PLC0415

    font.name = ASCII_FONT
    if size is not None:
        font.size = _pt(size)
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)


class _Writer:
    def __init__(self, word, labels: dict[str, str]) -> None:
        self.word = word
        self.labels = labels

    def para(
        self,
        text: str,
        *,
        font: str | None = None,
        size: float | None = None,
        indent: bool = True,
        bold: bool = False,
        container=None,
    ):
        p = (container or self.word).add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = _pt(INDENT_PT)
        self.runs(p, text, font=font, size=size, bold=bold)
        return p

    def runs(self, p, text: str, *, font: str | None = None, size: float | None = None, bold: bool = False) -> None:
        from docx.enum.text import WD_COLOR_INDEX  # noqa: PLC0415

        text = _LINK.sub(lambda m: m[1], text)
        for piece in _INLINE.split(text):
            if not piece:
                continue
            ph = PLACEHOLDER.fullmatch(piece)
            strong = piece.startswith("**") and piece.endswith("**") and len(piece) > 4
            value = self.labels.get(ph[1], ph[1]) if ph else piece[2:-2] if strong else piece
            run = p.add_run(value.replace("\\", "") if not ph else value)
            if font or size:
                _font(run.font, run._element.get_or_add_rPr(), font or BODY_FONT, size)
            run.bold = bold or strong or None
            if ph:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def markdown(self, text: str) -> None:
        lines = text.split("\n")
        i = 0
        buf: list[str] = []
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith("|") and i + 1 < len(lines) and _TABLE_SEP.fullmatch(lines[i + 1].strip()):
                self._flush(buf)
                end = i + 2
                while end < len(lines) and lines[end].strip().startswith("|"):
                    end += 1
                self.table([lines[i]] + lines[i + 2 : end])
                i = end
                continue
            if not stripped:
                self._flush(buf)
            elif (h := atx_heading(stripped)) and h[0] >= 2 and h[1]:
                self._flush(buf)
                level = h[0]
                self.para(h[1], font=HEADING_FONTS.get(level, BODY_FONT), bold=level > 3)
            elif m := _LIST.match(line):
                self._flush(buf)
                self.para((f"{m[1]}." if m[1] else "") + m[2])
            elif stripped.startswith(">"):
                buf.append(stripped.lstrip("> "))
            else:
                buf.append(stripped)
            i += 1
        self._flush(buf)

    def _flush(self, buf: list[str]) -> None:
        if buf:
            self.para("".join(buf))
            buf.clear()

    def table(self, rows: list[str]) -> None:
        from docx.table import _Cell  # noqa: PLC0415

        cells = [_cells(r) for r in rows]
        width = max(len(r) for r in cells)
        table = self.word.add_table(rows=len(cells), cols=width)
        table.style = self.word.styles["Table Grid"]
        # Walk the XML rows once: table.cell(r, c) rescans the whole grid on every call.
        for r, (tr, row) in enumerate(zip(table._tbl.tr_lst, cells)):
            for c, tc in enumerate(tr.tc_lst):
                p = _Cell(tc, table).paragraphs[0]
                p.paragraph_format.line_spacing = 1.0
                self.runs(p, row[c] if c < len(row) else "", size=12, bold=r == 0)


def _cells(row: str) -> list[str]:
    text = row.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", text)]


def _normalized_zip(data: bytes) -> bytes:
    """python-docx stamps the zip members with the current time; rewrite them with a fixed one."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# -- all templates of a build, on the second core -------------------------------------------------

Item = tuple[str, str, str, tuple[Field, ...]]  # url, title, body (links as words), fields


# Characters XML cannot hold (check refuses them, KB001; under `serve` a refused template is
# still written): dropped, so one pasted control character never stops the build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def build_all(items: list[Item]) -> dict[str, bytes]:
    """Word files by site address."""
    out = {}
    for url, title, body, fields in items:
        fields = tuple(dataclasses.replace(f, label=_NOT_XML.sub("", f.label)) for f in fields)
        out[url] = build(_NOT_XML.sub("", title), _NOT_XML.sub("", body), fields)
    return out


class DocxError(RuntimeError):
    """The Word files could not be written; the message is Chinese (the plugin raises PluginError)."""


class Job:
    """Writes every template's .docx: started when pages are generated, in a worker process so the
    main one keeps rendering (and python-docx's garbage is collected there); written after the build."""

    def __init__(self, items: list[Item]) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        self._done: dict[str, bytes] | None = None
        if not items:
            self._done = {}
            return
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._future = self._pool.submit(build_all, items)
        except (OSError, RuntimeError, ValueError):
            self._pool = None
            self._done = build_all(items)

    def write(self, site_dir: Path) -> list[str]:
        """Write the files under ``site_dir``; return their addresses."""
        files = self._result()
        for url, data in sorted(files.items()):
            target = Path(site_dir) / url
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return sorted(files)

    def _result(self) -> dict[str, bytes]:
        if self._done is None:
            try:
                self._done = self._future.result()
            except Exception as exc:  # noqa: BLE001 - the worker's failure, whatever it is, said plainly
                raise DocxError(f"文书模板的 Word 文件生成失败（{type(exc).__name__}: {str(exc)[:200]}）。") from None
            finally:
                self.cancel()
        return self._done

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
