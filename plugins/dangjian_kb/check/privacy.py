"""Privacy guard: personal contact and identity numbers must not be published (KB033).

Reported anywhere in a file (front matter and body, code blocks too): a mainland resident
ID number (18 characters, valid GB 11643 check digit, plausible birth date), a mainland
mobile number (1[3-9] + 9 digits, alone or written 3-4-4 with one kind of separator), and
an e-mail address. Values listed in the entry's ``public_numbers`` are meant to be public
(a service hotline, a branch mailbox) and are exempt: numbers compare by their digits only,
e-mail addresses without regard to case. Messages show the value partly masked.

Most files contain no long digit run and no '@': one fast search each decides that.
"""

from __future__ import annotations

import datetime as dt
import re

from dangjian_kb.model.findings import Collector

_CANDIDATE = re.compile(r"[0-9０-９][0-9０-９ \t\-－\u3000]{9,}[0-9０-９XxＸｘ]")  # one char class first: fast scan
_WIDE = str.maketrans("０１２３４５６７８９Ｘｘ－＋＠\u3000", "0123456789Xx-+@ ")  # same length: positions hold
_ID = re.compile(r"(?<![0-9])(?<![0-9]\.)[1-9][0-9]{16}[0-9Xx](?![0-9])(?!\.[0-9])")  # not in 3.14159…
_MOBILE = re.compile(
    r"(?<![0-9+])(?<![0-9]\.)(?:\+?86[ \-]?)?(1[3-9][0-9])([ \t\-]?)([0-9]{4})\2([0-9]{4})"
    r"(?![0-9])(?!\2[0-9])(?!\.[0-9])"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9\-])"
)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
FIX = "删除，或如确需公开（如服务热线），在头部信息 public_numbers 中列出。"


def check(text: str, allowed: object, today: dt.date, out: Collector) -> None:
    """Add KB033 for each personal number or address in ``text`` (the whole file) that ``allowed`` does not list."""
    has_at = "@" in text or "＠" in text
    if not has_at and _CANDIDATE.search(text) is None:
        return
    exempt = allow_list(allowed)
    for lineno, line in enumerate(text.split("\n"), 1):
        for kind, value, masked in find(line.translate(_WIDE), today):
            if _key(value) not in exempt:
                out.add("KB033", lineno, f"含有{kind} '{masked}'，属于个人信息，不能公开发布。请{FIX}")


def find(line: str, today: dt.date) -> list[tuple[str, str, str]]:
    """(kind, value, masked value) of each personal number or address in one (narrowed) line."""
    found: list[tuple[str, str, str]] = []
    if _CANDIDATE.search(line):
        found.extend(
            ("身份证号", m[0], m[0][:6] + "*" * 8 + m[0][-4:]) for m in _ID.finditer(line) if is_id_number(m[0], today)
        )
        for m in _MOBILE.finditer(line):
            if m[2] and _glued(line, m.start()):
                continue  # '2024 138 1234 5678': part of a longer spaced number
            digits = m[1] + m[3] + m[4]
            found.append(("手机号", digits, digits[:7] + "****"))
    if "@" in line:
        for m in _EMAIL.finditer(line):
            local, _, domain = m[0].partition("@")
            found.append(("电子邮箱", m[0], f"{local[:2] if len(local) > 2 else local[:1]}***@{domain}"))
    return found


def _glued(line: str, start: int) -> bool:
    before = line[max(0, start - 2) : start]
    return len(before) == 2 and before[0].isdigit() and before[1] in " \t-"


def is_id_number(value: str, today: dt.date) -> bool:
    """GB 11643: 17 digits, then the check character; the birth date (digits 7-14) must exist and be past."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS))
    if _CHECK[total % 11] != value[17].upper():
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= today


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def allow_list(value: object) -> set[str]:
    """Normalized keys of the values in ``public_numbers`` (whatever its shape: a wrong type is reported elsewhere)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        items = re.split(r"[,，、\s]+", str(value))
    elif isinstance(value, list):
        items = [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
    else:
        return set()
    return {_key(item.translate(_WIDE)) for item in items if item.strip()}


def _key(value: str) -> str:
    if "@" in value:
        return value.strip().lower()
    digits = re.sub(r"[^0-9]", "", value)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
