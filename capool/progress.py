"""How a long work loop tells its caller how far it got, without knowing who shows it.

A service, job or engine takes `progress: Progress = silent` and calls it from inside its
own loop: `progress("orders", done, total)`. The command line turns the calls into tqdm
bars on stderr (capool.clitools.progress_bars); tests collect them; everyone else passes
nothing. Standard library only: engines that are pure mathematics import this too."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, phase: str, done: int, total: int | None = None) -> None:
        """`done` of `total` steps of `phase` are finished (`total` None: not known). A new
        phase name starts a new phase; the calls of one phase have a rising `done`."""


def silent(phase: str, done: int, total: int | None = None) -> None:
    """The default: report to nobody."""
