"""Progress while a run goes on, on a terminal and off it (CI logs, nohup, a pipe).

On a terminal: a live bar of pages (its total grows as the crawler finds pages), sites done of
all, elapsed time and an estimate of the time left. Off a terminal nothing can be redrawn, so a
plain line per finished site (北京时间, site, pages, verdict) and a summary line every minute: a
long province run shows it is alive, and its log says what finished when.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from auditor.clock import BEIJING
from auditor.report.terminal import truncate

__all__ = ["SUMMARY_EVERY_S", "Progress"]

SUMMARY_EVERY_S = 60.0


class Progress:
    """Pages and sites done; the callers never need to know whether a terminal is attached."""

    def __init__(
        self,
        console: Console,
        description: str = "检查页面",
        *,
        sites_total: int = 0,
    ) -> None:
        self.console = console
        self.description = description
        self.total = 0
        self.completed = 0
        self.sites_total = sites_total
        self.sites_done = 0
        self._lock = threading.Lock()
        self._progress: RichProgress | None = None
        self._task: TaskID | None = None
        self._last_summary = time.monotonic()

    @property
    def live(self) -> bool:
        return self.console.is_terminal and not self.console.is_dumb_terminal

    def __enter__(self) -> Progress:
        if self.live:
            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("预计剩余"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[label]}", markup=False),
                console=self.console,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._title(), total=self.total, label="")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
        self._progress = self._task = None

    def start(self, total: int) -> None:
        """Set the number of pages known so far."""
        with self._lock:
            self.total = total
            self._update(total=total)

    def add_total(self, n: int) -> None:
        """The crawler found ``n`` more pages."""
        with self._lock:
            self.total += n
            self._update(total=self.total)

    def advance(self, label: str) -> None:
        """One page done; ``label`` (e.g. its URL) is shown beside the bar."""
        with self._lock:
            self.completed += 1
            self._update(advance=1, label=truncate(label, 60))
            self._maybe_summary()

    def site_done(self, label: str, pages: int, verdict: str) -> None:
        """One site finished: off a terminal, a line that says so."""
        with self._lock:
            self.sites_done += 1
            if self._progress is not None and self._task is not None:
                self._progress.update(self._task, description=self._title())
            elif not self.live:
                self._line(f"完成 {label}：{pages}个页面，{verdict}")
            self._maybe_summary()

    def _title(self) -> str:
        if not self.sites_total:
            return self.description
        return f"{self.description}（网站 {self.sites_done}/{self.sites_total}）"

    def _maybe_summary(self) -> None:
        if self.live or time.monotonic() - self._last_summary < SUMMARY_EVERY_S:
            return
        self._last_summary = time.monotonic()
        sites = f"网站 {self.sites_done}/{self.sites_total}，" if self.sites_total else ""
        self._line(f"进度：{sites}页面 {self.completed}/{self.total}")

    def _line(self, text: str) -> None:
        now = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        self.console.print(Text(f"{now} {text}"), soft_wrap=True)

    def _update(
        self, *, total: float | None = None, advance: float | None = None, label: str = ""
    ) -> None:
        if self._progress is not None and self._task is not None:
            if label:
                self._progress.update(self._task, total=total, advance=advance, label=label)
            else:
                self._progress.update(self._task, total=total, advance=advance)
