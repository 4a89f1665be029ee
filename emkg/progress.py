"""Progress bars for long commands: shown on a terminal (stderr), silent when stderr is not a terminal.

    with progress.steps(["parse", "reason", "compare"], "reasoning") as step:
        step("parse"); ...            # advances the bar and shows the step's name
    for item in progress.track(items, "validating"): ...

Uses rich. Nothing is printed when stderr is redirected (CI logs, pipes) or EMKG_NO_PROGRESS is set, so
scripted output stays clean; results are always printed by the commands themselves, never by the bar.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TypeVar

T = TypeVar("T")


def enabled(stream: IO | None = None) -> bool:
    stream = stream or sys.stderr
    return not os.environ.get("EMKG_NO_PROGRESS") and hasattr(stream, "isatty") and stream.isatty()


def _progress(stream: IO | None):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    stream = stream or sys.stderr
    console = Console(file=stream, force_terminal=True)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


@contextmanager
def steps(names: Sequence[str], description: str, stream: IO | None = None) -> Iterator[Callable[[str], None]]:
    """A bar over named steps; call the yielded function with each step's name as it starts."""
    if not enabled(stream):
        yield lambda name: None
        return
    with _progress(stream) as bar:
        task = bar.add_task(description, total=len(names))
        started = [0]

        def step(name: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] += 1
            bar.update(task, description=f"{description}: {name}")

        yield step
        bar.update(task, completed=len(names))


def track(items: Iterable[T], description: str, total: int | None = None, stream: IO | None = None) -> Iterator[T]:
    """Iterate with a bar (total from len() when it has one)."""
    if not enabled(stream):
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with _progress(stream) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)
