"""A rich progress bar for long commands: done/total, rate, elapsed and time left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


def note_compiling(console: Console) -> None:
    """One line before a first simulation that will compile the model: minutes with a bar standing at zero
    otherwise."""
    from totalpeace.engine import compiled_cache

    if compiled_cache.needs_compiling():
        console.print(compiled_cache.COMPILING_NOTE, style="dim", highlight=False, soft_wrap=True)


class RateColumn(ProgressColumn):
    """Items per second, in the unit the bar counts."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text(f"? {self.unit}/s", style="progress.data.speed")
        return Text(f"{speed:,.1f} {self.unit}/s", style="progress.data.speed")


def progress_bar(console: Console, unit: str = "runs", note: bool = True) -> Progress:
    """Description, bar, done/total, rate, elapsed, time left: what a user waiting on a sweep wants to see (after a
    note when the model is about to be compiled, which the bar could not show; `note=False` leaves the note to a
    caller that knows better when the first simulation starts)."""
    if note:
        note_compiling(console)
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn(unit), RateColumn(unit), TimeElapsedColumn(), TextColumn("left"),
                    TimeRemainingColumn(), console=console, transient=False)


@contextmanager
def sweep_progress(console: Console, description: str) -> Iterator[Callable[[int, int], None]]:
    """The bar of a `run_sweep` (its `progress` callable), shown from the sweep's first report of progress, once its
    checks have passed: a check that fails (a factor value the scenario refuses, an experiment stored from another
    spec) leaves no empty bar behind its message. The runs already stored then count as done, not towards the rate.
    The compiling note is left to the sweep's `starting`; the bar is stopped on the way out, before any message of
    the caller's about an interruption."""
    bar = progress_bar(console, note=False)
    task = bar.add_task(description, total=None)

    def advance(done: int, total: int) -> None:
        if bar.tasks[0].total is None:  # runs already stored must not count towards the rate
            bar.start()
            bar.reset(task, total=total, completed=done)
        else:
            bar.update(task, completed=done)

    try:
        yield advance
    finally:
        bar.stop()
