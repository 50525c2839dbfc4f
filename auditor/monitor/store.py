"""The monitoring run's store: the schedule, and every attempt appended as it finishes.

Why SQLite (standard library), as the audit's run store: each attempt is one committed INSERT
(WAL, ``synchronous=FULL``: fsync'd), so Ctrl-C, ``kill -9`` or a power cut keep every attempt
recorded before it. Attempts are append-only (triggers refuse UPDATE and DELETE) and keyed by
(site, slot), so a resumed run can neither count a slot twice nor rewrite one. The schedule is
stored whole when the run is created; resuming reads it back instead of planning again.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from auditor.clock import BEIJING
from auditor.model import SiteSpec
from auditor.monitor.plan import Plan, Slot
from auditor.run.store import transaction

__all__ = [
    "ERROR",
    "FAIL",
    "MISSED",
    "OK",
    "STORE_FILE",
    "AttemptRecord",
    "MonitorStore",
    "MonitorStoreError",
    "iso_at",
]

STORE_FILE = "monitor.sqlite"
LOCK_FILE = "monitor.lock"
# Outcomes: ok and fail are attempts (the ratio's terms); missed (the monitor was not running at
# the slot's time) and error (nothing was asked of the site: a fault on this side) are not.
OK, FAIL, MISSED, ERROR = "ok", "fail", "missed", "error"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
    idx INTEGER PRIMARY KEY, url TEXT NOT NULL, spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS slots (
    site INTEGER NOT NULL, seq INTEGER NOT NULL, day INTEGER NOT NULL, planned REAL NOT NULL,
    PRIMARY KEY (site, seq));
CREATE INDEX IF NOT EXISTS slots_by_time ON slots (planned);
CREATE TABLE IF NOT EXISTS attempts (
    site INTEGER NOT NULL, seq INTEGER NOT NULL,
    outcome TEXT NOT NULL,                 -- ok | fail | missed | error
    started TEXT NOT NULL DEFAULT '',      -- ISO 8601 with offset (北京时间)
    elapsed_ms INTEGER, status INTEGER,
    kind TEXT NOT NULL DEFAULT '',         -- timeout | dns | refused | tls | http | ...
    reason TEXT NOT NULL DEFAULT '',       -- Chinese, for people
    detail TEXT NOT NULL DEFAULT '',       -- the technical words (exception), apart
    final_url TEXT NOT NULL DEFAULT '',
    recorded TEXT NOT NULL,
    PRIMARY KEY (site, seq));
CREATE TRIGGER IF NOT EXISTS attempts_no_update BEFORE UPDATE ON attempts
    BEGIN SELECT RAISE(ABORT, 'attempts are append-only'); END;
CREATE TRIGGER IF NOT EXISTS attempts_no_delete BEFORE DELETE ON attempts
    BEGIN SELECT RAISE(ABORT, 'attempts are append-only'); END;
"""


class MonitorStoreError(Exception):
    """No usable monitoring store (message in Chinese, for the user)."""


def iso_at(epoch: float) -> str:
    """An epoch time as ISO 8601 in 北京时间 (what the store keeps)."""
    return datetime.fromtimestamp(epoch, BEIJING).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class AttemptRecord:
    """One slot's result as stored (a missed slot has only its reason)."""

    site: int
    seq: int
    day: int
    planned: float
    outcome: str
    started: str = ""
    elapsed_ms: int | None = None
    status: int | None = None
    kind: str = ""
    reason: str = ""
    detail: str = ""
    final_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["planned"] = iso_at(self.planned)
        return d


class MonitorStore:
    """One monitoring folder's store. Use it from one thread (the event loop's)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / STORE_FILE
        self._lock: IO[bytes] | None = None
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout=10000")  # `status` may read while the run writes
        self.db.execute("PRAGMA synchronous=FULL")  # every attempt survives a power cut

    # -- lifecycle --------------------------------------------------------------------------------

    @staticmethod
    def exists(run_dir: Path) -> bool:
        return (Path(run_dir) / STORE_FILE).is_file()

    @classmethod
    def create(
        cls, run_dir: Path, sites: list[SiteSpec], plan: Plan, meta: dict[str, Any]
    ) -> MonitorStore:
        """A new run: the sites in list order, the plan and its whole schedule.

        Written under another name and renamed when complete, so ``monitor.sqlite`` existing
        means a whole schedule (a crash while planning leaves nothing to resume by mistake).
        """
        from auditor.monitor.plan import build_slots

        run_dir.mkdir(parents=True, exist_ok=True)
        if cls.exists(run_dir):
            raise MonitorStoreError(f"{run_dir} 中已有一次监测；继续请用 --resume {run_dir}")
        draft = run_dir / f"{STORE_FILE}.new"
        draft.unlink(missing_ok=True)
        db = sqlite3.connect(draft, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute("BEGIN")
            for key, value in {**meta, "plan": plan.to_dict()}.items():
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    (key, json.dumps(value, ensure_ascii=False)),
                )
            db.executemany(
                "INSERT INTO sites (idx, url, spec) VALUES (?, ?, ?)",
                [
                    (i, s.url, json.dumps(asdict(s), ensure_ascii=False))
                    for i, s in enumerate(sites, 1)
                ],
            )
            db.executemany(
                "INSERT INTO slots (site, seq, day, planned) VALUES (?, ?, ?, ?)",
                [(s.site, s.seq, s.day, s.planned) for s in build_slots(plan, len(sites))],
            )
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode=WAL")  # kept by the file
        finally:
            db.close()
        os.replace(draft, run_dir / STORE_FILE)
        folder = os.open(run_dir, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself survives a power cut
        finally:
            os.close(folder)
        return cls(run_dir)

    @classmethod
    def open(cls, run_dir: Path) -> MonitorStore:
        if not cls.exists(run_dir):
            raise MonitorStoreError(f"{run_dir} 中没有监测记录（{STORE_FILE}）")
        return cls(run_dir)

    def lock(self) -> None:
        """Be the only process monitoring this folder (released when the process ends, even -9)."""
        handle = (self.run_dir / LOCK_FILE).open("wb")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise MonitorStoreError(
                f"另一个监测进程正在使用 {self.run_dir}；同一监测目录同时只能运行一个监测。"
            ) from None
        self._lock = handle

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _tx(self) -> AbstractContextManager[None]:
        return transaction(self.db)

    # -- reading ----------------------------------------------------------------------------------

    def meta(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def plan(self) -> Plan:
        return Plan.from_dict(self.meta("plan"))

    def sites(self) -> list[SiteSpec]:
        rows = self.db.execute("SELECT spec FROM sites ORDER BY idx")
        return [SiteSpec(**json.loads(spec)) for (spec,) in rows]

    def pending(self) -> list[Slot]:
        """Slots with no attempt recorded yet, earliest first."""
        rows = self.db.execute(
            "SELECT s.site, s.seq, s.day, s.planned FROM slots s "
            "LEFT JOIN attempts a ON a.site = s.site AND a.seq = s.seq "
            "WHERE a.site IS NULL ORDER BY s.planned, s.site"
        )
        return [Slot(*row) for row in rows]

    def records(self) -> list[AttemptRecord]:
        """Every slot with its result (outcome ``pending`` while none is recorded)."""
        rows = self.db.execute(
            "SELECT s.site, s.seq, s.day, s.planned, COALESCE(a.outcome, 'pending'), "
            "COALESCE(a.started, ''), a.elapsed_ms, a.status, COALESCE(a.kind, ''), "
            "COALESCE(a.reason, ''), COALESCE(a.detail, ''), COALESCE(a.final_url, '') "
            "FROM slots s LEFT JOIN attempts a ON a.site = s.site AND a.seq = s.seq "
            "ORDER BY s.site, s.seq"
        )
        return [AttemptRecord(*row) for row in rows]

    # -- writing ----------------------------------------------------------------------------------

    def record(self, slot: Slot, result: dict[str, Any], recorded: float) -> None:
        """One finished attempt, committed (and fsync'd) before the next is recorded."""
        self.db.execute(
            "INSERT INTO attempts (site, seq, outcome, started, elapsed_ms, status, kind, reason, "
            "detail, final_url, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                slot.site,
                slot.seq,
                result["outcome"],
                result.get("started", ""),
                result.get("elapsed_ms"),
                result.get("status"),
                result.get("kind", ""),
                result.get("reason", ""),
                result.get("detail", ""),
                result.get("final_url", ""),
                iso_at(recorded),
            ),
        )

    def record_missed(self, slots: Iterable[Slot], reason: str, recorded: float) -> int:
        """Slots whose time passed while nothing was monitoring: recorded as missed, in one commit."""
        rows = [(s.site, s.seq, MISSED, reason, iso_at(recorded)) for s in slots]
        if rows:
            with self._tx():
                self.db.executemany(
                    "INSERT INTO attempts (site, seq, outcome, reason, recorded) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
        return len(rows)
