"""Notice attachments: what a provincial office publishes after an inspection (各地检查通报的写法).

``auditor report RUN --format docx,xlsx,html,json`` writes them from a run directory: the Word
attachments (一、总体情况 draft, 附件2 per-region pass rates, 附件3 problem sites with evidence
pictures), the supervisors' Excel workbook, the HTML report and the canonical JSON.
File names are fixed or built from digits only: nothing derived from page or list text ever
names a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.model import RunResult, SiteSpec
from auditor.notice.media_rows import MEDIA_JSON, AccountRow, load_accounts
from auditor.notice.tables import NoticeData, build
from auditor.verdict import ScoringTable, default_table, parse_table

__all__ = ["FORMATS", "LoadedRun", "NoticeData", "build", "load_run", "safe_stem", "write_reports"]

FORMATS = ("docx", "xlsx", "html", "json")


def safe_stem(text: str) -> str:
    """Digits, ASCII letters and dashes only (a date like 2026-11-27), at most 20 characters."""
    return re.sub(r"[^0-9A-Za-z-]+", "", text)[:20]


@dataclass
class LoadedRun:
    run: RunResult
    listed: list[SiteSpec] | None  # the whole sites list when the store knows it
    table: ScoringTable  # the table the audit used (stored), else the default
    accounts: list[AccountRow] | None = None  # 政务新媒体 accounts (media.json), when audited


def load_run(run_dir: Path) -> LoadedRun:
    """A run directory's results: from its store when there is one, else from results.json.

    ``media.json`` (the 政务新媒体 accounts) is read beside them; a folder with only the accounts
    half is a run without websites.
    """
    media = load_accounts(run_dir)
    loaded = _load_sites(run_dir, media is not None)
    if media is not None:
        loaded.accounts = media[1]
        loaded.run.as_of = loaded.run.as_of or media[0]
    return loaded


def _load_sites(run_dir: Path, has_media: bool) -> LoadedRun:
    from auditor.report.json_report import read_json
    from auditor.run.store import RunStore

    if RunStore.exists(run_dir):
        store = RunStore.open(run_dir)
        try:
            scoring = store.meta("scoring")
            table = (
                parse_table(scoring["text"], scoring.get("origin", "计分表"))
                if scoring
                else default_table()
            )
            return LoadedRun(store.load(), [s for _i, s, _st in store.listed()], table)
        finally:
            store.close()
    results = run_dir / "results.json"
    if not results.is_file() and has_media:
        return LoadedRun(RunResult(started=""), [], default_table())
    if not results.is_file():
        raise FileNotFoundError(
            f"{run_dir} 中既没有检查记录（run.sqlite）也没有 results.json 或 {MEDIA_JSON}"
        )
    return LoadedRun(read_json(results), None, default_table())


def write_reports(data: NoticeData, out_dir: Path, formats: list[str]) -> list[Path]:
    """Write each requested format into ``out_dir``; returns the files written."""
    written: list[Path] = []
    stem = safe_stem(data.run.as_of) or "run"
    for fmt in formats:
        if fmt == "docx":
            from auditor.notice.docx_report import write_docx, write_evidence_appendix

            written.append(write_docx(data, out_dir / f"通报附件-{stem}.docx"))
            folder = out_dir / f"问题证据-{stem}"  # one file per 附件3 site, by its list number
            for site in data.failed:
                written.append(
                    write_evidence_appendix(data, site, folder / f"{site.index:03d}.docx")
                )
        elif fmt == "xlsx":
            from auditor.notice.xlsx_report import write_xlsx

            written.append(write_xlsx(data, out_dir / f"网站检查结果-{stem}.xlsx"))
        elif fmt == "html":
            from auditor.report.html import write_html

            write_html(data.run, out_dir / "report.html", data.table, data)
            written.append(out_dir / "report.html")
        elif fmt == "json":
            from auditor.report.json_report import write_json

            write_json(data.run, out_dir / "results.json", data.table)
            written.append(out_dir / "results.json")
        else:
            raise ValueError(f"未知格式 {fmt!r}（可选：{'、'.join(FORMATS)}）")
    return written
