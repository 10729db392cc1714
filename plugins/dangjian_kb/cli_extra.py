"""Sub-commands beyond `check` (new, bundle) register here."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
