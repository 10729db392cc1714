"""Relations between entries, shown from both ends."""

from __future__ import annotations

from collections import defaultdict

from dangjian_kb.model.collection import ALL, id_sort_key


class RelationGraph:
    """Undirected relations from ``related:`` and ``[[ID]]`` links, resolved after every entry is loaded."""

    def __init__(self) -> None:
        self._edges: dict[str, set[str]] = defaultdict(set)
        self._declared: dict[str, set[str]] = defaultdict(set)  # from related: alone

    def add(self, a: str, b: str, declared: bool = False) -> None:
        """``declared``: the relation is written in ``related:``, not only a link in a body."""
        if a != b:
            for edges in (self._edges, self._declared) if declared else (self._edges,):
                edges[a].add(b)
                edges[b].add(a)

    def declared(self, entry_id: str) -> set[str]:
        """The entries related to this one by a ``related:`` at either end (search lifts them:
        a body cites widely, a contributor's related: names the companions)."""
        return self._declared.get(entry_id, set())

    def neighbours(self, entry_id: str) -> list[str]:
        return sorted(self._edges.get(entry_id, ()), key=id_sort_key)

    def grouped(self, entry_id: str) -> dict[str, list[str]]:
        """Neighbours by collection name, in the collections' order, each list in id order."""
        groups: dict[str, list[str]] = {c.name: [] for c in ALL}
        for other in self.neighbours(entry_id):
            for coll in ALL:
                if coll.id_pattern.fullmatch(other):
                    groups[coll.name].append(other)
        return {k: v for k, v in groups.items() if v}
