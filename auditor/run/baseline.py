"""The CI gate's accepted findings: a baseline file and inline ignores.

A webmaster gating a site in CI accepts the findings it already has (a baseline, like pa11y-ci's
``ignore`` or Lighthouse CI's budgets kept in a checked-in file) and fails only on new ones. A
finding is recognised by its fingerprint: check id, page path (host dropped, so a staging server
and production match), and the element and cause that :func:`auditor.problems.problem_key` uses
— never the message text or coordinates, which change with the page's wording and layout. A
fault of the shared template seen on every audited page is recorded once for page ``*``, so a
newly crawled article with the same footer fault is not new.

Accepted findings get outcome ``accepted`` with the original outcome kept in
``data["accepted"]``: shown and counted apart, never failing the gate. The national verdict
(国办秘函〔2019〕19号) and the office's notice ignore them: a webmaster's baseline decides only
the webmaster's own CI, so :func:`restored` gives the findings back as they were.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.model import Finding, Outcome, RunResult, SiteResult
from auditor.problems import element_key, named_cause

__all__ = [
    "ANY_PAGE",
    "SCHEMA",
    "Baseline",
    "BaselineError",
    "Entry",
    "Ignore",
    "apply_baseline",
    "apply_ignores",
    "build_baseline",
    "element",
    "fingerprint",
    "gate",
    "load_baseline",
    "page_path",
    "parse_ignores",
    "prune",
    "restored",
    "save_baseline",
    "unaccepted",
]

SCHEMA = "auditor-baseline/1"
ANY_PAGE = "*"  # every page: a fault of the shared template, or an ignore without ``page``
BY_BASELINE, BY_IGNORE = "baseline", "ignore"


class BaselineError(Exception):
    """A baseline file or an ignore that cannot be used: one Chinese line, exit 2."""


@dataclass(frozen=True)
class Entry:
    """One accepted finding, readable in a code review."""

    fingerprint: str
    check: str
    page: str  # path?query, or ``*``
    element: str = ""
    description: str = ""  # the message when it was accepted, for people only

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Baseline:
    entries: tuple[Entry, ...]
    created: str = ""
    run: dict[str, Any] = dataclasses.field(default_factory=dict)
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "created": self.created,
            "run": self.run,
            "entries": [e.to_dict() for e in self.entries],
        }


@dataclass(frozen=True)
class Ignore:
    """An inline suppression from the config: one check, on one page or on every page (``*``)."""

    check: str
    page: str
    reason: str

    @classmethod
    def of(cls, item: Any) -> Ignore:
        """An ignore from a config's own ignore object (``check``, ``page``, ``reason``)."""
        if isinstance(item, Ignore):
            return item
        raw = item if isinstance(item, Mapping) else vars(item)
        return parse_ignores([raw])[0]

    def matches(self, f: Finding) -> bool:
        return f.check == self.check and self.page in (ANY_PAGE, page_path(f.page_url))


# -- fingerprints ------------------------------------------------------------------------------


def page_path(url: str) -> str:
    """The page as the site sees it: path and query, without scheme and host ("" site-level)."""
    if not url:
        return ""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def element(f: Finding) -> str:
    """The element key, with the site's own host dropped from a link address (staging = production)."""
    key = element_key(f)
    if key.startswith(("http://", "https://")) and f.page_url:
        parts = urlsplit(key)
        if parts.netloc == urlsplit(f.page_url).netloc:
            return page_path(key)
    return key


def fingerprint(f: Finding, page: str | None = None) -> str:
    """A stable id of the fault ``f`` on ``page`` (default: its own page's path)."""
    where = page_path(f.page_url) if page is None else page
    key = "\x1f".join((f.check, where, element(f), named_cause(f)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _original(f: Finding) -> Outcome:
    accepted = f.data.get("accepted")
    if f.outcome is Outcome.ACCEPTED and isinstance(accepted, Mapping):
        return Outcome(accepted.get("outcome", Outcome.FAIL.value))
    return f.outcome


def restored(f: Finding) -> Finding:
    """The finding as the audit found it, before any baseline or ignore accepted it."""
    if f.outcome is not Outcome.ACCEPTED:
        return f
    data = {k: v for k, v in f.data.items() if k != "accepted"}
    return dataclasses.replace(f, outcome=_original(f), data=data)


def unaccepted(run: RunResult, by: str | None = None) -> RunResult:
    """A copy of ``run`` with accepted findings restored (only those accepted ``by``, if given)."""

    def keep(f: Finding) -> Finding:
        if by is None or (f.data.get("accepted") or {}).get("by") == by:
            return restored(f)
        return f

    return _mapped(run, keep, baseline={})


def _mapped(run: RunResult, fn: Callable[[Finding], Finding], **changes: Any) -> RunResult:
    """A copy of ``run`` (sites and pages copied, findings mapped by ``fn``); ``run`` is untouched."""
    out = copy.copy(run)
    out.sites = []
    for site in run.sites:
        s = copy.copy(site)
        s.findings = [fn(f) for f in site.findings]
        s.pages = []
        for page in site.pages:
            p = copy.copy(page)
            p.findings = [fn(f) for f in page.findings]
            s.pages.append(p)
        out.sites.append(s)
    for name, value in changes.items():
        setattr(out, name, value)
    return out


def _all_findings(site: SiteResult) -> list[Finding]:
    return [*(f for p in site.pages for f in p.findings), *site.findings]


# -- writing a baseline -----------------------------------------------------------------------


def build_baseline(run: RunResult, origin: str = "") -> Baseline:
    """Every fail and review finding of ``run`` as an entry (ignored ones stay with the ignores)."""
    run = unaccepted(run, BY_BASELINE)
    entries: dict[str, Entry] = {}
    for site in run.sites:
        audited = {page_path(p.url) for p in site.pages}
        seen: dict[str, set[str]] = {}  # page-independent fingerprint -> pages with the fault
        problems = [f for f in _all_findings(site) if f.is_problem]
        for f in problems:
            seen.setdefault(fingerprint(f, ANY_PAGE), set()).add(page_path(f.page_url))
        for f in problems:
            everywhere = len(audited) > 1 and seen[fingerprint(f, ANY_PAGE)] >= audited
            page = ANY_PAGE if everywhere else page_path(f.page_url)
            fp = fingerprint(f, page)
            entries.setdefault(
                fp, Entry(fp, f.check, page, element(f), " ".join(f.message.split())[:120])
            )
    return Baseline(
        tuple(entries.values()),
        created=datetime.now().astimezone().isoformat(timespec="seconds"),
        run={
            "dir": origin,
            "started": run.started,
            "as_of": run.as_of,
            "auditor_version": run.auditor_version,
            "sites": [s.site.url for s in run.sites],
        },
    )


def save_baseline(baseline: Baseline, path: Path) -> None:
    from auditor.report.json_report import atomic_write_text

    text = json.dumps(baseline.to_dict(), ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(Path(path), text)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; a missing or malformed one is a :class:`BaselineError`."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"基线文件不存在：{path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"基线文件 {path} 无法读取（{exc}）") from None
    if not isinstance(d, dict) or d.get("schema") != SCHEMA:
        raise BaselineError(f'{path} 不是 auditor 基线文件（应有 "schema": "{SCHEMA}"）')
    entries = []
    for n, e in enumerate(d.get("entries") or [], 1):
        if not isinstance(e, dict) or not e.get("fingerprint") or not e.get("check"):
            raise BaselineError(f"基线文件 {path} 第 {n} 条缺少 fingerprint 或 check")
        entries.append(
            Entry(
                str(e["fingerprint"]),
                str(e["check"]),
                str(e.get("page", "")),
                str(e.get("element", "")),
                str(e.get("description", "")),
            )
        )
    return Baseline(tuple(entries), str(d.get("created", "")), d.get("run") or {}, str(path))


# -- applying ----------------------------------------------------------------------------------


def parse_ignores(raw: Iterable[Mapping[str, Any]], origin: str = "配置文件") -> list[Ignore]:
    """``ignore = [{check = "…", page = "/", reason = "…"}]``: the reason is required."""
    ignores = []
    for n, item in enumerate(raw, 1):
        where = f"{origin} 的 ignore 第 {n} 条"
        if not isinstance(item, Mapping):
            raise BaselineError(f"{where} 应为 {{check = …, reason = …}}")
        unknown = sorted(set(item) - {"check", "page", "reason"})
        if unknown:
            raise BaselineError(
                f"{where} 有不认识的键：{'、'.join(unknown)}（可用 check、page、reason）"
            )
        check = str(item.get("check") or "").strip()
        reason = str(item.get("reason") or "").strip()
        if not check:
            raise BaselineError(f"{where} 缺少 check（检查项编号）")
        if not reason:
            raise BaselineError(f"{where}（{check}）缺少 reason：忽略一项检查须写明理由")
        page = str(item.get("page") or ANY_PAGE).strip()
        if page.startswith(("http://", "https://")):
            page = page_path(page)  # a full address names the page by its path, on any host
        ignores.append(Ignore(check, page, reason))
    return ignores


def _accept(f: Finding, by: str, **why: str) -> Finding:
    mark = {"outcome": f.outcome.value, "by": by, **why}
    return dataclasses.replace(f, outcome=Outcome.ACCEPTED, data={**f.data, "accepted": mark})


def apply_ignores(run: RunResult, ignores: Iterable[Any]) -> RunResult:
    """A copy of ``run`` whose fail and review findings matching an ignore are ``accepted``.

    ``ignores``: :class:`Ignore`, or any object or mapping with ``check``, ``page``, ``reason``.
    """
    rules = [Ignore.of(i) for i in ignores]
    accepted = 0

    def mark(f: Finding) -> Finding:
        nonlocal accepted
        if not f.is_problem:
            return f
        for rule in rules:
            if rule.matches(f):
                accepted += 1
                return _accept(f, BY_IGNORE, reason=rule.reason)
        return f

    out = _mapped(run, mark)
    out.baseline = {**run.baseline, "ignored": accepted, "ignores": [i.__dict__ for i in rules]}
    return out


def apply_baseline(run: RunResult, baseline: Baseline) -> RunResult:
    """A copy of ``run`` with the baseline's findings ``accepted``, and its entries that no longer
    occur listed in ``run.baseline["resolved"]`` (the page and check were audited, the fault is
    gone) or ``["unseen"]`` (the page was not audited this time: not known to be fixed)."""
    by_fp = {e.fingerprint: e for e in baseline.entries}
    matched: set[str] = set()
    accepted = 0
    ran: set[tuple[str, str]] = set()  # (page, check) with any outcome this run
    for site in run.sites:
        for f in _all_findings(site):
            ran.add((page_path(f.page_url), f.check))
            ran.add((ANY_PAGE, f.check))

    def mark(f: Finding) -> Finding:
        nonlocal accepted
        if not (f.is_problem or f.outcome is Outcome.ACCEPTED):
            return f
        for fp in (fingerprint(f), fingerprint(f, ANY_PAGE)):
            if fp in by_fp:
                matched.add(fp)
                if f.is_problem:
                    accepted += 1
                    return _accept(f, BY_BASELINE, fingerprint=fp)
                return f
        return f

    out = _mapped(run, mark)
    gone = [e for e in baseline.entries if e.fingerprint not in matched]
    out.baseline = {
        **run.baseline,
        "file": baseline.path,
        "entries": len(baseline.entries),
        "accepted": accepted,
        "resolved": [e.to_dict() for e in gone if (e.page, e.check) in ran],
        "unseen": [e.to_dict() for e in gone if (e.page, e.check) not in ran],
    }
    return out


def gate(run: RunResult, baseline: Path | None, ignores: Iterable[Any] = ()) -> RunResult:
    """The run as the webmaster's CI gate sees it: inline ignores first, then the baseline file.

    What the CLI (``audit --baseline``) and the pytest plugin call.
    """
    rules = list(ignores)
    if rules:
        run = apply_ignores(run, rules)
    if baseline is not None:
        run = apply_baseline(run, load_baseline(baseline))
    return run


def prune(baseline: Baseline, run: RunResult) -> tuple[Baseline, list[Entry]]:
    """The baseline without the entries ``run`` shows resolved, and those entries."""
    applied = apply_baseline(unaccepted(run, BY_BASELINE), baseline)
    gone = {e["fingerprint"] for e in applied.baseline["resolved"]}
    kept = tuple(e for e in baseline.entries if e.fingerprint not in gone)
    dropped = [e for e in baseline.entries if e.fingerprint in gone]
    return dataclasses.replace(baseline, entries=kept), dropped
