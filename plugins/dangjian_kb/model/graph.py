"""Relations between entries, shown from both ends."""

from __future__ import annotations

from collections import defaultdict

from dangjian_kb.model.collection import ALL, id_sort_key


class RelationGraph:
    """Undirected relations from ``related:`` and ``[[ID]]`` links, resolved after every entry is loaded."""

    def __init__(self) -> None:
        self._edges: dict[str, set[str]] = defaultdict(set)

    def add(self, a: str, b: str) -> None:
        if a != b:
            self._edges[a].add(b)
            self._edges[b].add(a)

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
