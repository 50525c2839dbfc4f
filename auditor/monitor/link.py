"""An audit run judged with a monitoring run: the availability veto decided by the week's ratio.

``auditor report AUDIT --monitor MONITOR``: for every audited site the monitoring run covers
(same home-page address, else the same 网站标识码), the home page's single-load
``page-availability`` finding is replaced by the measurement (国办秘函〔2019〕19号 站点无法访问):
fail at ≥ 5 %, pass below, and ``error`` (无法判定 in the verdict) while the measurement is
incomplete — so the verdict, the notice and the workbook all follow the rule. The single load
is kept in the finding's data; sites the monitor does not cover keep their single-load finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.checks import CHECKS_BY_ID
from auditor.model import Finding, Outcome, PageResult, PageType, RunResult, SiteResult
from auditor.monitor.measure import INCOMPLETE, VETO, VETO_PERCENT, Measure, measure_sites
from auditor.monitor.plan import RULE_LIMIT_S
from auditor.monitor.store import MonitorStore
from auditor.run.sites import site_key

__all__ = ["CHECK", "Linked", "apply_monitor", "load_measures", "monitor_finding"]

CHECK = "page-availability"
RULE = (
    "国办秘函〔2019〕19号：监测1周，每天间隔性访问20次以上，超过(含)15秒网站仍打不开的"
    "次数累计占比超过(含)5%，即单项否决"
)


@dataclass
class Linked:
    """What the monitoring run changed: the sites it decided, and the audited ones it did not cover."""

    covered: list[tuple[SiteResult, Measure]] = field(default_factory=list)
    uncovered: list[SiteResult] = field(default_factory=list)


def load_measures(run_dir: Path) -> list[Measure]:
    """Every site's measure from a monitoring folder."""
    store = MonitorStore.open(run_dir)
    try:
        return measure_sites(store.plan(), store.sites(), store.records())
    finally:
        store.close()


def _match(site: SiteResult, by_url: dict[str, Measure], by_code: dict[str, Measure]):
    found = by_url.get(site_key(site.site.url))
    if found is None and site.site.code.strip():
        found = by_code.get(site.site.code.strip())
    return found


def _home(site: SiteResult) -> PageResult | None:
    for page in site.pages:
        if page.page_type is PageType.HOME:
            return page
    return site.pages[0] if site.pages else None


def monitor_finding(m: Measure, page_url: str, source: str, single: list[Finding]) -> Finding:
    """The home page's availability finding as the week's measurement states it."""
    chk = CHECKS_BY_ID[CHECK]
    counted = (
        f"监测期间共访问首页{m.attempts}次，{m.failures}次超过{RULE_LIMIT_S:g}秒未能打开或返回错误，"
        f"失败占比{m.ratio}"
    )
    if m.state == VETO:
        outcome, message = Outcome.FAIL, f"{counted}（达到{VETO_PERCENT}%，站点无法访问）"
    elif m.state == INCOMPLETE:
        outcome = Outcome.ERROR
        message = f"无法判定：可用性监测未完成（{'；'.join(m.shortfalls)}）；{counted}"
    else:
        outcome, message = Outcome.PASS, f"{counted}（低于{VETO_PERCENT}%）"
    return Finding(
        check=CHECK,
        outcome=outcome,
        severity=chk.severity,
        role=chk.role,
        indicator=chk.indicator,
        message=message,
        rule=RULE,
        page_url=page_url,
        region="page",
        data={
            "source": "monitor",
            "monitor_run": source,
            **m.to_dict(),
            "single_load": [{"outcome": str(f.outcome), "message": f.message} for f in single],
        },
    )


def apply_monitor(run: RunResult, measures: list[Measure], source: str) -> Linked:
    """Replace covered sites' home-page availability findings by the measurement (in place)."""
    by_url = {site_key(m.site.url): m for m in measures}
    by_code = {m.site.code.strip(): m for m in measures if m.site.code.strip()}
    linked = Linked()
    for site in run.sites:
        measure = _match(site, by_url, by_code)
        home = _home(site)
        if measure is None or home is None:
            linked.uncovered.append(site)
            continue
        single = [f for f in home.findings if f.check == CHECK]
        kept = [f for f in home.findings if f.check != CHECK]
        home.findings = [*kept, monitor_finding(measure, home.url, source, single)]
        linked.covered.append((site, measure))
    run.options["monitor_run"] = source
    return linked
