"""Near-duplicate problems and cases (KB034): warn when a new entry repeats an existing one.

Similarity of two entries of the same collection::

    score = TITLE_WEIGHT * dice(title bigrams) + (1 - TITLE_WEIGHT) * jaccard(body trigrams)

over the title and the first ``TEXT_CHARS`` letters, digits and Han characters of the body
(links, headings, punctuation and template prompts left out). The title weighs 0.3 though it
is a twentieth of the text compared: a paraphrased title over a near-same body scores about
0.7, while no two entries of the shipped knowledge base score above 0.15 and no two of a
10,000-entry synthetic one (titles from a small vocabulary, so many identical) above 0.5.

Not all pairs: each entry is keyed by its title and by the clauses (runs of at
least ``MIN_RUN`` letters between punctuation) at the start of its body. Only pairs sharing
``MIN_SHARED`` keys are scored, and a key shared by more than ``MAX_POSTING`` entries is
boilerplate, not evidence. A pair above the threshold shares most of its opening text, so
it shares clauses; scoring a few hundred candidates instead of 50 million pairs keeps the
whole pass near 0.1 s for 10,000 entries.

Entries that name each other (``related``, ``[[ID]]`` or a file link, either way round) are
never reported: their writer knows the other entry, and listing it in ``related`` is how a
contributor answers a warning about two entries that only look alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from dangjian_kb.check.rules_body import is_prompt
from dangjian_kb.model.collection import id_sort_key
from dangjian_kb.model.entry import Entry
from dangjian_kb.model.findings import Finding

THRESHOLD = 0.60
TITLE_WEIGHT = 0.30
HEAD_CHARS = 320  # raw body characters read (Markdown included): about TEXT_CHARS of text
TEXT_CHARS = 200  # normalized body characters compared
KEY_CHARS = 200  # raw body characters whose clauses key the entry
MIN_RUN = 6
MAX_POSTING = 8
MIN_SHARED = 2
COLLECTIONS = {"problems": "问题", "cases": "案例"}

_RUN = re.compile(rf"[0-9A-Za-z\u3400-\u9fff]{{{MIN_RUN},}}")
_NON_TEXT = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_MARKUP = re.compile(r"\[\[[^\]\n]*\]\]|\]\([^)\n]*\)|^#{1,6}[ \t].*$", re.M)


def check(entries: Iterable[Entry]) -> list[Finding]:
    """KB034 on the entry with the higher id of each near-duplicate pair, naming its closest match."""
    groups: dict[str, list[Entry]] = {name: [] for name in COLLECTIONS}
    for e in entries:
        if e.collection.name in groups:
            groups[e.collection.name].append(e)
    return [f for name, group in groups.items() for f in _check_group(group, COLLECTIONS[name])]


def _check_group(group: Sequence[Entry], noun: str) -> list[Finding]:
    heads = [_head(e.body) for e in group]
    pairs = candidates([_keys(e.title, h) for e, h in zip(group, heads)])
    features: dict[int, tuple[set[str], set[str]]] = {}

    def feature(n: int) -> tuple[set[str], set[str]]:
        if n not in features:
            features[n] = (
                _grams(_normalize(group[n].title), 2),
                _grams(_normalize(_MARKUP.sub("", heads[n]))[:TEXT_CHARS], 3),
            )
        return features[n]

    best: dict[int, tuple[float, int]] = {}
    for a, b in pairs:
        s = score(feature(a), feature(b))
        if s < THRESHOLD or refers(group[a], group[b]) or refers(group[b], group[a]):
            continue
        hi, lo = (a, b) if id_sort_key(group[a].id) > id_sort_key(group[b].id) else (b, a)
        cur = best.get(hi)
        if cur is None or s > cur[0] or (s == cur[0] and id_sort_key(group[lo].id) < id_sort_key(group[cur[1]].id)):
            best[hi] = (s, lo)
    return [_finding(group[hi], group[lo], s, noun) for hi, (s, lo) in best.items()]


def _finding(e: Entry, other: Entry, s: float, noun: str) -> Finding:
    return Finding(
        e.rel,
        e.line_of("title") or e.line_of("id"),
        "KB034",
        f"与 {other.id}《{other.title}》高度相似（相似度 {s:.2f}）。"
        f"如是同一{noun}，请合并到已有条目；如不同，请在标题中写明区别，并可在 related 中列出 {other.id}。",
    )


def refers(e: Entry, other: Entry) -> bool:
    """Whether ``e`` names ``other`` (related, [[ID]] or a file link): its writer knows it and chose a separate entry."""
    if other.id in e.related or any(link.target == other.id for link in e.wikilinks):
        return True
    return any(e.link_path(link.target) == other.rel for link in e.file_links)


def score(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> float:
    return TITLE_WEIGHT * _dice(a[0], b[0]) + (1 - TITLE_WEIGHT) * _jaccard(a[1], b[1])


def features(title: str, body: str) -> tuple[set[str], set[str]]:
    """What ``score`` compares, for one title and body (for tests and tuning)."""
    return _grams(_normalize(title), 2), _grams(_normalize(_MARKUP.sub("", _head(body)))[:TEXT_CHARS], 3)


def candidates(keys_of: Sequence[list[str]]) -> list[tuple[int, int]]:
    """Index pairs (a < b) that share at least MIN_SHARED keys, each key held by at most MAX_POSTING entries."""
    first: dict[str, int] = {}
    shared: dict[str, list[int]] = {}  # only keys seen twice get a list: most clauses are unique
    for n, keys in enumerate(keys_of):
        for key in keys:
            m = first.setdefault(key, n)
            if m != n:
                holders = shared.get(key)
                if holders is None:
                    shared[key] = [m, n]
                elif holders[-1] != n:  # a clause twice in one entry counts once
                    holders.append(n)
    size = len(keys_of)
    codes = Counter(
        a * size + b  # a pair as one int: no tuple per pair
        for holders in shared.values()
        if len(holders) <= MAX_POSTING
        for i, a in enumerate(holders)
        for b in holders[i + 1 :]
    )
    return sorted(divmod(code, size) for code, c in codes.items() if c >= MIN_SHARED)


def _head(body: str) -> str:
    head = body[:HEAD_CHARS]
    if "待填写" in head:
        head = "\n".join(line for line in head.split("\n") if not is_prompt(line))
    return head


def _keys(title: str, head: str) -> list[str]:
    keys = _RUN.findall(head[:KEY_CHARS].replace(" ", ""))
    keys.append("\x00" + title)  # the title as written: identical titles (clauses show the rest)
    return keys


def _normalize(text: str) -> str:
    return _NON_TEXT.sub("", text.lower())


def _grams(text: str, n: int) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)
