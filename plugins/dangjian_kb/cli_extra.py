"""Sub-commands beyond `check` (new, bundle) register here."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from . import scaffold  # noqa: PLC0415 - standard library only at import time

    scaffold.register(sub)
