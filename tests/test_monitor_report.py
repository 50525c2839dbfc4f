"""``auditor report AUDIT --monitor MONITOR``: the availability veto decided by the week's ratio.

The audit run is made by hand (each home page loaded once, as ``page-availability`` saw it); the
monitoring run is a real week of requests to the flaky server, run in virtual time. Where the
monitor covers a site its ratio decides (≥ 5 % veto, below pass, incomplete 无法判定); elsewhere
the single load stands.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from monitor_helpers import FlakyServer, flaky_server, virtual_run

from auditor.checks import CHECKS_BY_ID
from auditor.cli import main
from auditor.model import Finding, Outcome, PageResult, RunResult, SiteResult, SiteSpec
from auditor.monitor.link import apply_monitor, load_measures
from auditor.monitor.plan import Plan
from auditor.notice import build, load_run
from auditor.report.json_report import write_json

AVAILABILITY = CHECKS_BY_ID["page-availability"]


def home_page(url: str, loaded: bool) -> PageResult:
    finding = Finding(
        check=AVAILABILITY.id,
        outcome=Outcome.PASS if loaded else Outcome.FAIL,
        severity=AVAILABILITY.severity,
        role=AVAILABILITY.role,
        indicator=AVAILABILITY.indicator,
        message="通过" if loaded else "页面无法正常打开：连接被拒绝（应在15秒内打开并返回网页）",
        page_url=url,
        region="page",
    )
    return PageResult(url=url, final_url=url, status=200 if loaded else None, findings=[finding])


def audit_run(tmp_path: Path, sites: list[tuple[SiteSpec, bool]]) -> Path:
    """An audit folder whose sites' home pages loaded (or not) once."""
    run = RunResult(
        started="2026-11-27T09:00:00+08:00",
        finished="2026-11-27T10:00:00+08:00",
        as_of="2026-11-27",
        sites=[SiteResult(site=spec, pages=[home_page(spec.url, ok)]) for spec, ok in sites],
    )
    out = tmp_path / "audit"
    out.mkdir()
    write_json(run, out / "results.json")
    return out


def reported(audit: Path, monitor: Path) -> dict[str, dict]:
    """Each site's verdict and availability finding after ``report --monitor``."""
    assert main(["report", str(audit), "--monitor", str(monitor), "--format", "json"]) == 0
    data = json.loads((audit / "results.json").read_text(encoding="utf-8"))
    sites = {}
    for site in data["sites"]:
        (finding,) = [f for f in site["pages"][0]["findings"] if f["check"] == AVAILABILITY.id]
        sites[site["site"]["name"]] = {"verdict": site["verdict"], "finding": finding}
    return sites


@pytest.fixture
def server() -> FlakyServer:
    with flaky_server() as srv:
        yield srv  # type: ignore[misc]


def test_the_weeks_ratio_vetoes_at_five_percent_and_not_below(
    server: FlakyServer, tmp_path: Path
) -> None:
    at = SiteSpec(f"{server.base}/every20/", name="正好百分之五", code="1100000001")
    below = SiteSpec(f"{server.base}/every25/", name="低于百分之五", code="1100000002")
    virtual_run(tmp_path / "week", [at, below])
    got = reported(audit_run(tmp_path, [(at, True), (below, True)]), tmp_path / "week")

    vetoed = got["正好百分之五"]
    assert vetoed["verdict"]["label"] == "不合格"
    assert vetoed["verdict"]["vetoes"][0]["check"] == "page-availability"
    assert vetoed["finding"]["outcome"] == "fail"
    assert "共访问首页140次，7次" in vetoed["finding"]["message"]
    assert "失败占比5.00%" in vetoed["finding"]["message"]
    data = vetoed["finding"]["data"]
    assert (data["attempts"], data["failures"], data["ratio"]) == (140, 7, "5.00%")
    assert data["single_load"] == [{"outcome": "pass", "message": "通过"}]

    passed = got["低于百分之五"]
    assert passed["verdict"]["label"] == "合格"
    assert passed["finding"]["outcome"] == "pass"
    assert "失败占比3.57%" in passed["finding"]["message"]


def test_a_week_without_failures_lifts_a_single_failed_load(
    server: FlakyServer, tmp_path: Path
) -> None:
    site = SiteSpec(f"{server.base}/ok/", name="偶尔打不开", code="1100000001")
    virtual_run(tmp_path / "week", [site])
    got = reported(audit_run(tmp_path, [(site, False)]), tmp_path / "week")["偶尔打不开"]
    assert got["verdict"]["label"] == "合格"
    assert "失败占比0.00%" in got["finding"]["message"]
    assert got["finding"]["data"]["single_load"][0]["outcome"] == "fail"


def test_an_incomplete_measurement_is_undecided_never_pass_nor_veto(
    server: FlakyServer, tmp_path: Path
) -> None:
    failing = SiteSpec(f"{server.base}/every4/", name="失败多但未测完")
    healthy = SiteSpec(f"{server.base}/ok/", name="正常但未测完")
    short = Plan(days=1, local_only=True)  # one day of the seven
    virtual_run(tmp_path / "day", [failing, healthy], short)
    got = reported(audit_run(tmp_path, [(failing, True), (healthy, True)]), tmp_path / "day")
    for name in ("失败多但未测完", "正常但未测完"):
        assert got[name]["verdict"]["label"] == "无法判定"
        assert got[name]["finding"]["outcome"] == "error"
        assert "可用性监测未完成" in got[name]["finding"]["message"]
        assert any("站点无法访问" in why for why in got[name]["verdict"]["undecided"])
    assert "失败占比25.00%" in got["失败多但未测完"]["finding"]["message"]


def test_a_site_the_monitor_does_not_cover_keeps_its_single_load(
    server: FlakyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    covered = SiteSpec(f"{server.base}/ok/", name="被监测")
    other = SiteSpec("http://127.0.0.1:9/", name="未监测")
    virtual_run(tmp_path / "week", [covered])
    got = reported(audit_run(tmp_path, [(covered, True), (other, False)]), tmp_path / "week")
    assert got["未监测"]["verdict"]["label"] == "不合格"
    assert got["未监测"]["finding"]["message"].startswith("页面无法正常打开：连接被拒绝")
    assert "source" not in got["未监测"]["finding"]["data"]
    assert got["被监测"]["finding"]["data"]["source"] == "monitor"
    assert "1 个网站未被覆盖，沿用单次打开的结果" in capsys.readouterr().out


def test_sites_are_matched_by_address_else_by_site_code(
    server: FlakyServer, tmp_path: Path
) -> None:
    monitored = SiteSpec(f"{server.base}/every20/", name="监测清单里的名字", code="1100000009")
    audited = replace(monitored, url="http://127.0.0.1:9/moved/", name="检查清单里的名字")
    virtual_run(tmp_path / "week", [monitored])
    got = reported(audit_run(tmp_path, [(audited, True)]), tmp_path / "week")
    assert got["检查清单里的名字"]["verdict"]["label"] == "不合格"
    assert got["检查清单里的名字"]["finding"]["data"]["ratio"] == "5.00%"


def test_a_folder_without_monitoring_is_a_usage_error(tmp_path: Path) -> None:
    site = SiteSpec("http://127.0.0.1:9/", name="甲")
    audit = audit_run(tmp_path, [(site, True)])
    assert main(["report", str(audit), "--monitor", str(tmp_path), "--format", "json"]) == 2


def test_the_supervisors_unreachable_column_gives_the_weeks_ratio(
    server: FlakyServer, tmp_path: Path
) -> None:
    at = SiteSpec(f"{server.base}/every20/", name="甲")
    below = SiteSpec(f"{server.base}/every25/", name="乙")
    unmonitored = SiteSpec("http://127.0.0.1:9/", name="丙")
    virtual_run(tmp_path / "week", [at, below])
    loaded = load_run(audit_run(tmp_path, [(at, True), (below, True), (unmonitored, False)]))
    apply_monitor(loaded.run, load_measures(tmp_path / "week"), "week")
    data = build(loaded.run, loaded.table, tmp_path)
    column = {row.spec.name: row.supervisor_columns()["首页不连通"] for row in data.sites}
    assert column == {"甲": "是（1周失败占比5.00%）", "乙": "否（1周失败占比3.57%）", "丙": "是"}
