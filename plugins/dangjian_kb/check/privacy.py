"""Privacy guard: personal contact and identity numbers must not be published (KB033).

Reported anywhere in a file (front matter and body, code blocks too), after the text is made
plain the way a reader copying it would get it (zero-width and format characters removed,
full-width digits and odd spaces folded by NFKC): a mainland resident ID number (18 characters
with a valid GB 11643 check digit, or the 15-digit form of 1984-1999, each with a province code
and a past birth date), a mainland mobile number (1[3-9] + 9 digits, with or without +86/0086,
in any grouping of spaces, hyphens or dots), and an e-mail address. A number inside a longer run
of digits, or followed by a unit of money (元, 万元 …), is not a phone or an ID. Values listed in the entry's ``public_numbers`` are meant to be public
(a service hotline, a branch mailbox) and are exempt: numbers compare by their digits only,
e-mail addresses without regard to case. Messages show the value partly masked.

Most files contain no long digit run and no '@': one fast search each decides that.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from dangjian_kb.model.findings import Collector

# A digit, in any width, followed by digits and anything that may stand between them (a quick pre-filter).
_CANDIDATE = re.compile(
    r"[0-9０-９][0-9０-９\s\-－.．\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]{9,}[0-9０-９XxＸｘ]"
)
# Invisible characters that hide a number from a reader but not from a copy-paste: removed first.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"))
# A run of digits written with single spaces, hyphens or dots between them, maybe after +86/0086/(86).
_RUN = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)86[ \t\-.]?|86[ \t\-.]|\(\+?86\)[ \t\-.]?)?([0-9](?:[ \t\-.]?[0-9Xx])*)"
)
_MOBILE = re.compile(r"(1[3-9][0-9]{9})")
# A number followed by a unit of money (or preceded by a currency sign) is an amount, not a phone.
_AMOUNT_AFTER = re.compile(r"\s*(?:元|万|亿|千|百|块|角|分钱|美元|港元|人民币|%|％|股|吨|米|平方|KB|MB|GB)")
_AMOUNT_BEFORE = re.compile(r"(?:[¥￥$€£]|RMB|CNY|人民币)\s*$")
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
    has_at = "@" in text or "＠" in text or "﹫" in text
    if not has_at and _CANDIDATE.search(text) is None:
        return
    exempt = allow_list(allowed)
    for lineno, line in enumerate(text.split("\n"), 1):
        for kind, value, masked in find(normalize(line), today):
            if _key(value) not in exempt:
                out.add("KB033", lineno, f"含有{kind} '{masked}'，属于个人信息，不能公开发布。请{FIX}")


def normalize(line: str) -> str:
    """What a reader copies: invisible characters removed, full-width forms and odd spaces made plain."""
    return unicodedata.normalize("NFKC", line.translate(_INVISIBLE))


def find(line: str, today: dt.date) -> list[tuple[str, str, str]]:
    """(kind, value, masked value) of each personal number or address in one normalized line."""
    found: list[tuple[str, str, str]] = []
    if _CANDIDATE.search(line):
        for m in _RUN.finditer(line):
            if not _is_amount(line, m):
                found.extend(_numbers(m[1], today))
    if "@" in line:
        for m in _EMAIL.finditer(line):
            local, _, domain = m[0].partition("@")
            found.append(("电子邮箱", m[0], f"{local[:2] if len(local) > 2 else local[:1]}***@{domain}"))
    return found


def _numbers(run: str, today: dt.date) -> list[tuple[str, str, str]]:
    """Personal numbers in one run, read from its start: groups of space-separated parts, each
    number right after the previous one ('13812345678 139 8765 4321' is two phones); a run that
    does not start with one is some longer number ('2024 138 1234 5678'), not a phone."""
    # groups of fewer than 3 digits are no way of writing a phone or an ID ('13.9.12345678' is a version)
    parts = [_digits(p) if all(len(g) >= 3 for g in re.split(r"[\-.]", p)) else "" for p in re.split(r"[ \t]", run)]
    found: list[tuple[str, str, str]] = []
    i = 0
    while i < len(parts) and (i == 0 or found):
        best, end, digits = None, i, ""
        for j in range(i, len(parts)):  # at most 18 digits from part i: linear in the run
            if not parts[j] or (j > i and len(parts[j]) < 3):
                break
            digits += parts[j]
            if len(digits) > 18:
                break
            hit = _number(digits, today)
            if hit is not None:
                best, end = hit, j
        if best is None:
            break
        else:
            found.append(best)
            i = end + 1
    return found


def _number(digits: str, today: dt.date) -> tuple[str, str, str] | None:
    if len(digits) == 18 and is_id_number(digits, today):
        return "身份证号", digits, digits[:6] + "*" * 8 + digits[-4:]
    if len(digits) == 15 and digits.isdigit() and _is_old_id(digits, today):
        return "身份证号", digits, digits[:6] + "*" * 6 + digits[-3:]
    m = _MOBILE.fullmatch(digits)
    if m is not None:
        return "手机号", m[1], m[1][:7] + "****"
    return None


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text).upper()


def _is_amount(line: str, m: re.Match[str]) -> bool:
    # a bounded look behind: a line with thousands of numbers must stay linear
    return bool(_AMOUNT_AFTER.match(line, m.end()) or _AMOUNT_BEFORE.search(line[max(0, m.start() - 12) : m.start()]))


def _is_old_id(value: str, today: dt.date) -> bool:
    """A 15-digit ID of 1984–1999: area code, then a birth date YYMMDD of the 1900s."""
    try:
        born = dt.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return value[:2] in _PROVINCES and born <= today


# The two-digit province codes of GB/T 2260.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def is_id_number(value: str, today: dt.date) -> bool:
    """GB 11643: 17 digits, then the check character; the birth date (digits 7-14) must exist and be past."""
    if len(value) != 18 or not value[:17].isdigit() or value[:2] not in _PROVINCES:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS))
    if _CHECK[total % 11] != value[17].upper():
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= today


def allow_list(value: object) -> set[str]:
    """Normalized keys of the values in ``public_numbers`` (whatever its shape: a wrong type is reported elsewhere)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        items = re.split(r"[,，、\s]+", str(value))
    elif isinstance(value, list):
        items = [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
    else:
        return set()
    return {_key(normalize(item)) for item in items if item.strip()}


def _key(value: str) -> str:
    if "@" in value:
        return value.strip().lower()
    digits = re.sub(r"[^0-9]", "", value)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
