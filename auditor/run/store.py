"""The run store: results written as they are produced, so an interrupted run loses nothing.

Why SQLite (standard library): every finished page is one committed transaction (WAL,
``synchronous=FULL``), so Ctrl-C, ``kill -9`` or a reboot keep every page stored before it, and
``auditor audit --resume RUN`` picks up the sites that did not finish. ``results.json`` stays the
canonical export; the store is what it is rebuilt from.

Sites keep their position in the input list (``idx``, 1-based), which also names their folder
(``run.site_dir.site_dir_name``), so a resumed site writes into the same folder it started in: that is
why :func:`audit_pending` hands the engine's orchestrator jobs numbered as the list numbers them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.model import Finding, PageResult, RunResult, SiteResult, SiteSpec
from auditor.run import manifest

if TYPE_CHECKING:
    from auditor.engine import AuditOptions, ProgressSink

__all__ = ["STORE_FILE", "RunStore", "StoreError", "audit_pending"]

STORE_FILE = "run.sqlite"
MAX_SITE_ATTEMPTS = 3  # starts of one site before --resume gives it up as 无法完成
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
    idx INTEGER PRIMARY KEY, url TEXT NOT NULL, spec TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',          -- pending | running | done
    attempt INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '[]', finished TEXT NOT NULL DEFAULT '',
    unfinished TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS pages (
    site_idx INTEGER NOT NULL, attempt INTEGER NOT NULL, seq INTEGER NOT NULL,
    url TEXT NOT NULL, data TEXT NOT NULL, saved TEXT NOT NULL,
    PRIMARY KEY (site_idx, attempt, seq));
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, site_idx INTEGER NOT NULL, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (                  -- sites sent to a cluster (auditor worker)
    task_id TEXT NOT NULL, site_idx INTEGER NOT NULL, sent TEXT NOT NULL,
    PRIMARY KEY (task_id, site_idx));
"""


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One transaction: committed on exit, rolled back on error (a crash leaves no half write)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class StoreError(Exception):
    """No usable store in the run directory (message in Chinese, for the user)."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _spec_dict(site: SiteSpec) -> dict[str, Any]:
    return asdict(site)


class RunStore:
    """One run directory's SQLite store. Not thread-safe: use it from the event-loop thread."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / STORE_FILE
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # survive a power cut, not only a kill
        self.db.executescript(_SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(sites)")}
        if "unfinished" not in columns:  # a store written before sites could be 无法完成
            self.db.execute("ALTER TABLE sites ADD COLUMN unfinished TEXT NOT NULL DEFAULT ''")

    # -- lifecycle --------------------------------------------------------------------------------

    @staticmethod
    def exists(run_dir: Path) -> bool:
        return (Path(run_dir) / STORE_FILE).is_file()

    @classmethod
    def create(cls, run_dir: Path, sites: list[SiteSpec], meta: dict[str, Any]) -> RunStore:
        """A new store for ``sites`` (in input order) with the run's metadata."""
        run_dir.mkdir(parents=True, exist_ok=True)
        if cls.exists(run_dir):
            raise StoreError(f"{run_dir} 中已有一次检查的记录；继续请用 --resume {run_dir}")
        store = cls(run_dir)
        with store._tx():
            for key, value in meta.items():
                store._set(key, value)
            store.db.executemany(
                "INSERT INTO sites (idx, url, spec) VALUES (?, ?, ?)",
                [
                    (i, s.url, json.dumps(_spec_dict(s), ensure_ascii=False))
                    for i, s in enumerate(sites, 1)
                ],
            )
        return store

    @classmethod
    def open(cls, run_dir: Path) -> RunStore:
        if not cls.exists(run_dir):
            raise StoreError(f"{run_dir} 中没有检查记录（{STORE_FILE}）")
        return cls(run_dir)

    def close(self) -> None:
        self.db.close()

    def _tx(self) -> AbstractContextManager[None]:
        return transaction(self.db)

    # -- metadata ---------------------------------------------------------------------------------

    def _set(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    def set_meta(self, key: str, value: Any) -> None:
        with self._tx():
            self._set(key, value)

    def meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    # -- sites and pages --------------------------------------------------------------------------

    def listed(self) -> list[tuple[int, SiteSpec, str]]:
        """Every site of the input list: (idx, spec, status)."""
        rows = self.db.execute("SELECT idx, spec, status FROM sites ORDER BY idx").fetchall()
        return [(i, SiteSpec(**json.loads(spec)), status) for i, spec, status in rows]

    def pending(self) -> list[tuple[int, SiteSpec]]:
        return [(i, s) for i, s, status in self.listed() if status != "done"]

    def attempts(self, idx: int) -> int:
        """How often the site was started (a site that keeps killing the run is not retried)."""
        row = self.db.execute("SELECT attempt FROM sites WHERE idx = ?", (idx,)).fetchone()
        return int(row[0]) if row else 0

    def start_site(self, idx: int) -> int:
        """Mark a site as running (a new attempt) and return the attempt number."""
        with self._tx():
            self.db.execute(
                "UPDATE sites SET status = 'running', attempt = attempt + 1 WHERE idx = ?", (idx,)
            )
            (attempt,) = self.db.execute(
                "SELECT attempt FROM sites WHERE idx = ?", (idx,)
            ).fetchone()
        return int(attempt)

    def save_page(self, idx: int, page: PageResult, files: list[dict[str, Any]]) -> None:
        """Store one finished page (and its files' manifest entries) in one transaction."""
        with self._tx():
            (attempt,) = self.db.execute(
                "SELECT attempt FROM sites WHERE idx = ?", (idx,)
            ).fetchone()
            (seq,) = self.db.execute(
                "SELECT COUNT(*) FROM pages WHERE site_idx = ? AND attempt = ?", (idx, attempt)
            ).fetchone()
            self.db.execute(
                "INSERT INTO pages (site_idx, attempt, seq, url, data, saved) VALUES (?,?,?,?,?,?)",
                (idx, attempt, seq, page.url, _dumps(page.to_dict()), _now()),
            )
            self._put_files(idx, files)

    def finish_site(self, idx: int, result: SiteResult, files: list[dict[str, Any]]) -> None:
        """The site's final pages replace whatever earlier attempts stored, atomically."""
        with self._tx():
            (attempt,) = self.db.execute(
                "SELECT attempt FROM sites WHERE idx = ?", (idx,)
            ).fetchone()
            self.db.execute("DELETE FROM pages WHERE site_idx = ?", (idx,))
            self.db.executemany(
                "INSERT INTO pages (site_idx, attempt, seq, url, data, saved) VALUES (?,?,?,?,?,?)",
                [
                    (idx, attempt, n, p.url, _dumps(p.to_dict()), _now())
                    for n, p in enumerate(result.pages)
                ],
            )
            self.db.execute(
                "UPDATE sites SET status = 'done', error = ?, findings = ?, finished = ?, "
                "unfinished = ? WHERE idx = ?",
                (
                    result.error,
                    _dumps([f.to_dict() for f in result.findings]),
                    _now(),
                    result.unfinished,
                    idx,
                ),
            )
            self.db.execute("DELETE FROM files WHERE site_idx = ?", (idx,))
            self._put_files(idx, files)

    def _put_files(self, idx: int, files: list[dict[str, Any]]) -> None:
        self.db.executemany(
            "INSERT INTO files (path, site_idx, entry) VALUES (?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET site_idx = excluded.site_idx, entry = excluded.entry",
            [(e["path"], idx, _dumps(e)) for e in files],
        )

    def record_task(self, task_id: str, indexes: list[int]) -> None:
        """Remember which sites a cluster task carries, before it is sent (for --resume)."""
        with self._tx():
            self.db.executemany(
                "INSERT OR IGNORE INTO tasks (task_id, site_idx, sent) VALUES (?, ?, ?)",
                [(task_id, idx, _now()) for idx in indexes],
            )

    def tasks(self) -> dict[str, list[int]]:
        """Every cluster task sent for this run and its sites, in the order they were sent."""
        found: dict[str, list[int]] = {}
        for task_id, idx in self.db.execute(
            "SELECT task_id, site_idx FROM tasks ORDER BY rowid"
        ).fetchall():
            found.setdefault(task_id, []).append(int(idx))
        return found

    def is_done(self, idx: int) -> bool:
        row = self.db.execute("SELECT status FROM sites WHERE idx = ?", (idx,)).fetchone()
        return bool(row) and row[0] == "done"

    def files(self) -> list[dict[str, Any]]:
        return [json.loads(e) for (e,) in self.db.execute("SELECT entry FROM files ORDER BY path")]

    def saved_at(self, idx: int) -> list[str]:
        """When each stored page of a site was saved (tests use it to see nothing was redone)."""
        rows = self.db.execute(
            "SELECT saved FROM pages WHERE site_idx = ? ORDER BY attempt, seq", (idx,)
        )
        return [s for (s,) in rows]

    def site_result(self, idx: int) -> SiteResult | None:
        """A site as stored: final if done; the pages of its latest attempt if interrupted."""
        row = self.db.execute(
            "SELECT spec, status, error, findings, unfinished FROM sites WHERE idx = ?", (idx,)
        ).fetchone()
        if row is None:
            return None
        spec, status, error, findings, unfinished = row
        latest = self.db.execute(
            "SELECT MAX(attempt) FROM pages WHERE site_idx = ?", (idx,)
        ).fetchone()[0]
        pages = [
            PageResult.from_dict(json.loads(d))
            for (d,) in self.db.execute(
                "SELECT data FROM pages WHERE site_idx = ? AND attempt = ? ORDER BY seq",
                (idx, latest),
            )
        ]
        if status != "done":
            if not pages:
                return None
            error = "检查未完成：运行被中断，可用 auditor audit --resume 继续"
        return SiteResult(
            site=SiteSpec(**json.loads(spec)),
            pages=pages,
            error=error,
            findings=[Finding.from_dict(f) for f in json.loads(findings)],
            unfinished=unfinished,
        )

    def load(self) -> RunResult:
        """The run as stored: every done site and every interrupted site's finished pages."""
        run = RunResult(
            started=self.meta("started", ""),
            finished=self.meta("finished", ""),
            as_of=self.meta("as_of", ""),
            auditor_version=self.meta("auditor_version", ""),
            browser_version=self.meta("browser_version", ""),
            options=self.meta("options", {}),
            input_errors=self.meta("input_errors", []),
        )
        for idx, _spec, _status in self.listed():
            site = self.site_result(idx)
            if site is not None:
                run.sites.append(site)
        return run

    def run_info(self) -> dict[str, Any]:
        return {
            k: self.meta(k, "")
            for k in ("started", "finished", "as_of", "auditor_version", "browser_version")
        }

    def write_manifest(self) -> Path:
        return manifest.write_manifest(self.run_dir, self.run_info(), self.files())


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def audit_pending(
    store: RunStore,
    options: AuditOptions,
    progress: ProgressSink | None = None,
    on_site: Callable[[int, SiteResult], None] | None = None,
) -> RunResult:
    """Audit every site of the store that is not done; store pages as they finish.

    Finished sites are never redone; an interrupted site starts over in its own folder (its
    earlier pages stay stored until the new attempt finishes and replaces them).
    """
    from auditor.engine import NoProgress, SiteJob, audit_sites

    sink = progress or NoProgress()
    options.out_dir.mkdir(parents=True, exist_ok=True)

    def finish(idx: int, result: SiteResult) -> None:
        store.finish_site(idx, result, manifest.site_entries(options.out_dir, result))
        if on_site:
            on_site(idx, result)

    jobs = []
    for idx, site in store.pending():
        if store.attempts(idx) >= MAX_SITE_ATTEMPTS:
            # Started this often and never finished (the process died each time): finished as
            # 无法完成 with what earlier attempts stored, not tried again.
            result = store.site_result(idx) or SiteResult(site=site)
            result.error = ""
            result.unfinished = f"该网站已{store.attempts(idx)}次开始检查均未能完成"
            sink.add_total(1)
            sink.advance(site.label)
            finish(idx, result)
        else:
            jobs.append(SiteJob(idx, site))

    def site_done(job: SiteJob, result: SiteResult) -> None:
        if result.unfinished and not result.pages:  # our own fault: keep what was stored
            stored = store.site_result(job.index)
            result.pages = stored.pages if stored else []
        finish(job.index, result)

    if jobs:
        _results, version = await audit_sites(
            jobs,
            options,
            sink,
            on_start=lambda job: store.start_site(job.index),
            on_page=lambda job, page: store.save_page(
                job.index, page, manifest.file_entries(options.out_dir, page)
            ),
            on_site=site_done,
        )
        if not store.meta("browser_version"):
            store.set_meta("browser_version", version)
    store.set_meta("finished", _now())
    store.write_manifest()
    return store.load()
