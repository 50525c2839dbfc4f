"""The evidence manifest: every screenshot and evidence PNG with its SHA-256 and capture facts.

Why: when a site owner disputes a finding, the office must show that the picture attached to the
notice is the one the browser produced, on that URL, at that time, with that browser. Each file's
hash is taken when the page is stored (right after the engine writes it), so a later edit shows up
in ``auditor verify RUN``.

``manifest.json`` (schema ``auditor-manifest/1``)::

    {"schema": "auditor-manifest/1", "run": {"started", "as_of", "auditor_version",
     "browser_version"}, "files": [{
        "path": "001-www.example.gov.cn/evidence/p00-footer-icp-8.png",  # relative to the run
        "kind": "evidence" | "screenshot",
        "sha256": "…", "bytes": 12345,
        "url": "…", "final_url": "…",          # the page the picture was taken from
        "status": 200,                          # HTTP status of that page (null: no response)
        "time": "2026-11-27T10:00:00+08:00",    # when the page was gathered
        "viewport": [1366, 768], "browser_version": "…",
        "check": "footer-icp"                   # evidence only: the finding's check id
     }]}

An account screenshot of the 政务新媒体 half (``account-001.png``, ``media.json``) is listed with
``"kind": "account"``, the account's address as ``url`` and the page's ``final_url``, ``status``
null, and ``time`` when the account page was read; :func:`add_account_entries` adds them to the
run's manifest (creating one for an ``auditor media`` folder).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.model import PageResult, SiteResult
from auditor.report.json_report import atomic_write_text

__all__ = [
    "MANIFEST",
    "SCHEMA",
    "Mismatch",
    "account_entries",
    "add_account_entries",
    "file_entries",
    "site_entries",
    "verify",
    "write_manifest",
]

MANIFEST = "manifest.json"
SCHEMA = "auditor-manifest/1"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def inside(run_dir: Path, rel: str) -> Path | None:
    """``rel`` resolved under ``run_dir``, or None when it would point outside (tampered input)."""
    if not rel:
        return None
    base = run_dir.resolve()
    path = (base / rel).resolve()
    return path if path.is_relative_to(base) else None


def _capture_facts(run_dir: Path, page: PageResult) -> dict[str, Any]:
    """Time, viewport and browser of the page, from the artifacts file saved beside its screenshot."""
    facts: dict[str, Any] = {"time": "", "viewport": None, "browser_version": ""}
    shot = inside(run_dir, page.screenshot)
    if shot is None:
        return facts
    art = shot.with_name(shot.stem + ".artifacts.json")
    try:
        data = json.loads(art.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return facts
    facts["time"] = data.get("gathered_at", "")
    facts["viewport"] = list(data.get("viewport") or []) or None
    facts["browser_version"] = data.get("browser_version", "")
    return facts


def _entry(
    run_dir: Path, rel: str, kind: str, page: PageResult, facts: dict[str, Any], check: str = ""
) -> dict[str, Any] | None:
    path = inside(run_dir, rel)
    if path is None or not path.is_file():
        return None
    entry = {
        "path": rel,
        "kind": kind,
        "sha256": sha256_of(path),
        "bytes": path.stat().st_size,
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        **facts,
    }
    if check:
        entry["check"] = check
    return entry


def file_entries(run_dir: Path, page: PageResult) -> list[dict[str, Any]]:
    """Manifest entries for one page: its screenshot and the evidence PNGs cut from it.

    A finding may point at a picture drawn on an earlier page (a fault of the shared template is
    drawn once): that file is listed with the page it was cut from, once.
    """
    facts = _capture_facts(run_dir, page)
    entries = [_entry(run_dir, page.screenshot, "screenshot", page, facts)]
    own = Path(page.screenshot).name.split(".")[0] + "-"  # "p03-": pictures of p03.png
    drawn: dict[str, str] = {}
    for f in page.findings:
        if f.evidence and Path(f.evidence).name.startswith(own):
            drawn.setdefault(f.evidence, f.check)
    entries += [
        _entry(run_dir, rel, "evidence", page, facts, check) for rel, check in drawn.items()
    ]
    return [e for e in entries if e]


def site_entries(run_dir: Path, site: SiteResult) -> list[dict[str, Any]]:
    """Entries for a whole site: every page plus the site-level findings' evidence (home page)."""
    entries = [e for p in site.pages for e in file_entries(run_dir, p)]
    if site.pages and site.findings:
        home = site.pages[0]
        facts = _capture_facts(run_dir, home)
        entries += [
            e
            for f in site.findings
            if f.evidence and (e := _entry(run_dir, f.evidence, "evidence", home, facts, f.check))
        ]
    return entries


def write_manifest(run_dir: Path, run_info: dict[str, Any], files: list[dict[str, Any]]) -> Path:
    path = run_dir / MANIFEST
    body = {"schema": SCHEMA, "run": run_info, "files": sorted(files, key=lambda e: e["path"])}
    atomic_write_text(path, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    return path


def account_entries(run_dir: Path, accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries for the account screenshots named in ``media.json``'s ``accounts`` items."""
    entries = []
    for item in accounts:
        profile = item.get("profile") or {}
        rel = str(profile.get("screenshot") or "")
        path = inside(run_dir, rel)
        if path is None or not path.is_file():
            continue
        entries.append(
            {
                "path": rel,
                "kind": "account",
                "sha256": sha256_of(path),
                "bytes": path.stat().st_size,
                "url": str((item.get("account") or {}).get("url") or profile.get("url") or ""),
                "final_url": str(profile.get("url") or ""),
                "status": None,
                "time": str(item.get("read_at") or ""),
                "viewport": None,
                "browser_version": "",
            }
        )
    return entries


def add_account_entries(
    run_dir: Path, accounts: list[dict[str, Any]], run_info: dict[str, Any]
) -> Path:
    """The run's manifest with its account entries replaced by ``accounts``' (the site entries
    are kept); ``run_info`` is used when the folder has no manifest yet."""
    path = run_dir / MANIFEST
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        body = {"run": run_info, "files": []}
    kept = [e for e in body.get("files", []) if e.get("kind") != "account"]
    return write_manifest(
        run_dir, body.get("run") or run_info, kept + account_entries(run_dir, accounts)
    )


@dataclass(frozen=True)
class Mismatch:
    path: str
    why: str  # Chinese: 文件缺失 / 内容已改变


def verify(run_dir: Path) -> tuple[int, list[Mismatch]]:
    """Re-hash every file the manifest lists: (files checked, files missing or changed)."""
    data = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    bad: list[Mismatch] = []
    for entry in data.get("files", []):
        path = inside(run_dir, entry["path"])
        if path is None or not path.is_file():
            bad.append(Mismatch(entry["path"], "文件缺失"))
        elif sha256_of(path) != entry["sha256"]:
            bad.append(Mismatch(entry["path"], "内容已改变（SHA-256 不符）"))
    return len(data.get("files", [])), bad
