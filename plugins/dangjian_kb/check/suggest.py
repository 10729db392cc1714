"""Closest-valid-value suggestions for messages (是否想写 '…'？)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable


def closest(value: object, options: Iterable[str], cutoff: float = 0.34) -> str | None:
    text = str(value).strip()
    opts = list(options)
    if not text or not opts:
        return None
    # Substring first: '党费' for '党费管理' is what a writer means more often than edit distance says.
    contained = [o for o in opts if text in o or o in text]
    if len(contained) == 1:
        return contained[0]
    found = difflib.get_close_matches(text, opts, n=1, cutoff=cutoff)
    return found[0] if found else None


def ask_or(guess: str | None, otherwise: str) -> str:
    """The fix part of a message: 是否想写 '…'？ when there is a guess, else ``otherwise``."""
    return f"是否想写 '{guess}'？" if guess else otherwise


def did_you_mean(value: object, options: Iterable[str]) -> str:
    opts = list(options)
    return ask_or(closest(value, opts), "可选值：" + "、".join(opts) + "。")


_DIGIT = re.compile(r"[^\D0-9]")  # a decimal digit that is not ASCII


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script written as ASCII ('P-０６１１' -> 'P-0611'):
    the form to suggest where ids, dates and numbers must be ASCII."""
    if text.isascii():
        return text
    return _DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), text)
