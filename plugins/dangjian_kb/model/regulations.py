"""The register of regulations (制度依据): national Party regulations and the unit's own rules.

Entries cite them by a stable ASCII id, in front matter (``basis: [zhibu-tiaoli-2018#第八条]``)
or in the body (``[[依据:zhibu-tiaoli-2018#第八条]]``), so that a revised regulation names
every entry resting on it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

REGISTER_FILE = "regulations.yml"
STATUSES = ("现行", "已修订", "已废止")
CURRENT = "现行"
LEVELS = ("党内法规", "规范性文件", "本单位制度")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# an article as a secretary writes it: 第八条, 第八条第二款, 第三章, 第二十九条第一款第（三）项
ARTICLE = re.compile(
    r"第[一二三四五六七八九十百零〇\d]+(?:章|节|条)"
    r"(?:第[一二三四五六七八九十百零〇\d]+(?:节|条|款))*(?:第[（(]?[一二三四五六七八九十\d]+[)）]?项)?"
)
CITE_PREFIXES = ("依据:", "依据：")


@dataclass(frozen=True)
class Regulation:
    id: str
    title: str  # without 《》
    issuer: str
    date: str  # YYYY-MM-DD or YYYY-MM
    status: str
    level: str = "党内法规"
    number: str = ""  # 文号, where one exists
    superseded_by: str = ""
    note: str = ""
    line: int = 0

    @property
    def name(self) -> str:
        """The title as cited in Chinese text."""
        return f"《{self.title}》"

    @property
    def is_current(self) -> bool:
        return self.status == CURRENT


def bare_title(text: str) -> str:
    """A title as compared: without the book-title marks a writer may or may not type, brackets
    and letters full- or half-width alike (（试行） and (试行))."""
    return unicodedata.normalize("NFKC", text).strip().removeprefix("《").removesuffix("》").strip()


@dataclass
class Register:
    regulations: list[Regulation]
    source: str  # path relative to the knowledge-base root, for messages
    broken: bool = False  # the file could not be read at all (KB050): citations are not checked
    rejected: frozenset[str] = (
        frozenset()
    )  # ids and titles of items with errors (KB051): not reported again per citation

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.regulations}
        # exact titles, with or without 《》, resolve too: free-text basis written before the register
        self.by_title = {bare_title(r.title): r for r in self.regulations}

    def resolve(self, text: str) -> Regulation | None:
        text = text.strip()
        return self.by_id.get(text) or self.by_title.get(bare_title(text))

    def is_rejected(self, text: str) -> bool:
        """Whether ``text`` names (by id or title) an item the register refused (KB051)."""
        return text.strip() in self.rejected or bare_title(text) in self.rejected

    def successor(self, reg: Regulation) -> Regulation | None:
        """The document that replaced ``reg`` as it stands now: ``superseded_by`` followed to the
        document in force (A revised by B, B by C: C), or None when there is none or the chain
        loops (check/register.py reports the loop)."""
        chain = self.chain(reg)
        if len(chain) == 1 or self.loops(chain):
            return None
        return chain[-1]

    def chain(self, reg: Regulation) -> list[Regulation]:
        """``reg`` and the documents its ``superseded_by`` leads to, up to one in force, a missing
        one or a repeat."""
        out = [reg]
        while not (out[-1] is not reg and out[-1].is_current):
            new = self.by_id.get(out[-1].superseded_by)
            if new is None or new in out:
                break
            out.append(new)
        return out

    def loops(self, chain: list[Regulation]) -> bool:
        last = chain[-1]
        return not last.is_current and self.by_id.get(last.superseded_by) in chain


@dataclass(frozen=True)
class Citation:
    """One reference of an entry to a regulation, in ``basis:`` or in the body."""

    regulation: str  # register id
    article: str  # '' when the whole document is meant
    line: int
    in_body: bool = False

    @property
    def key(self) -> str:
        return f"{self.regulation}#{self.article}" if self.article else self.regulation


@dataclass
class CitationIndex:
    """Who cites what, both ways; built once per load."""

    by_entry: dict[str, list[Citation]] = field(default_factory=dict)
    by_regulation: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # reg id -> [(entry id, article)]


def split_reference(text: str) -> tuple[str, str]:
    """'zhibu-tiaoli-2018#第八条' -> ('zhibu-tiaoli-2018', '第八条'); full-width ＃ accepted."""
    ref, _, article = text.replace("＃", "#").partition("#")
    return ref.strip(), article.strip()


def citation_target(link_target: str) -> str | None:
    """The reference inside ``[[依据:…]]``, or None for an ordinary ``[[ID]]`` link."""
    for prefix in CITE_PREFIXES:
        if link_target.startswith(prefix):
            return link_target[len(prefix) :].strip()
    return None
