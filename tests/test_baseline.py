"""The CI gate's baseline and inline ignores, on hand-made runs (no browser)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import REPO
from rich.console import Console

from auditor.cli.common import exit_code, finish_run
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    Rect,
    Role,
    RunResult,
    Severity,
    SiteResult,
    SiteSpec,
)
from auditor.report.json_report import write_json
from auditor.report.junit import write_junit
from auditor.report.terminal import print_summary
from auditor.run.baseline import (
    ANY_PAGE,
    BaselineError,
    apply_baseline,
    apply_ignores,
    build_baseline,
    fingerprint,
    load_baseline,
    parse_ignores,
    prune,
    save_baseline,
    unaccepted,
)
from auditor.verdict import default_table, judge

PROD = "https://www.example.gov.cn"
STAGING = "http://10.1.2.3"


def finding(
    check: str = "footer-icp",
    page: str = f"{PROD}/",
    *,
    outcome: Outcome = Outcome.FAIL,
    message: str = "底部未找到ICP备案编号",
    selector: str = "#footer > p:nth-of-type(2)",
    rect: Rect | None = None,
    **data: object,
) -> Finding:
    return Finding(
        check=check,
        outcome=outcome,
        severity=Severity.SERIOUS,
        role=Role.DEDUCT,
        indicator="扣分指标/网站标识",
        message=message,
        page_url=page,
        selector=selector,
        rect=rect or Rect(10, 20, 30, 40),
        data=dict(data),
    )


def passed(check: str, page: str) -> Finding:
    return dataclasses.replace(finding(check, page), outcome=Outcome.PASS, message="")


def make_run(*pages: tuple[str, list[Finding]], host: str = PROD) -> RunResult:
    site = SiteResult(
        SiteSpec(url=f"{host}/", name="示例市人民政府"),
        pages=[
            PageResult(url=f"{host}{path}", page_type=PageType.HOME, findings=fs)
            for path, fs in pages
        ],
    )
    return RunResult(started="2026-11-27T09:00:00+08:00", as_of="2026-11-27", sites=[site])


def home_run(host: str = PROD, extra: list[Finding] | None = None) -> RunResult:
    """A home page with a footer fault and a broken link to the site's own page."""
    return make_run(
        (
            "/",
            [
                finding(page=f"{host}/"),
                finding(
                    "link-health",
                    f"{host}/",
                    message="链接“往期回顾”返回 404",
                    selector="#main a",
                    url=f"{host}/old.html",
                    kind="http",
                ),
                passed("header-site-name", f"{host}/"),
                *(extra or []),
            ],
        ),
        host=host,
    )


def outcomes(run: RunResult) -> dict[str, str]:
    return {f"{f.check}@{f.page_url}": f.outcome.value for f in run.findings}


# -- fingerprints ------------------------------------------------------------------------------


def test_fingerprint_ignores_message_text_and_coordinates() -> None:
    a = finding(message="底部未找到ICP备案编号", rect=Rect(1, 2, 3, 4))
    b = finding(message="底部没有ICP备案号（新措辞）", rect=Rect(500, 900, 30, 40))
    assert fingerprint(a) == fingerprint(b)


def test_fingerprint_differs_for_another_element_page_or_cause() -> None:
    a = finding()
    assert fingerprint(a) != fingerprint(finding(selector="#footer > p:nth-of-type(3)"))
    assert fingerprint(a) != fingerprint(finding(page=f"{PROD}/col/yw/index.html"))
    assert fingerprint(a) != fingerprint(finding(check="footer-police-record"))
    axe = finding("accessibility", rule="image-alt")
    assert fingerprint(axe) != fingerprint(finding("accessibility", rule="label"))


def test_fingerprint_is_the_same_on_staging_and_production() -> None:
    for host in (PROD, STAGING):
        assert [fingerprint(f) for f in home_run(host).findings] == [
            fingerprint(f) for f in home_run(PROD).findings
        ]
    other = finding("link-health", url="https://other.example.com/old.html", selector="#main a")
    assert fingerprint(other) != fingerprint(finding("link-health", url=f"{PROD}/old.html"))


# -- round trip --------------------------------------------------------------------------------


def test_round_trip_accepts_every_baselined_finding(tmp_path: Path) -> None:
    first = home_run(PROD)
    assert exit_code(first, "minor") == 1
    save_baseline(build_baseline(first, "runs/first"), tmp_path / "b.json")
    baseline = load_baseline(tmp_path / "b.json")
    assert {e.check for e in baseline.entries} == {"footer-icp", "link-health"}

    again = apply_baseline(home_run(STAGING), baseline)  # staging server, same findings
    assert outcomes(again) == {
        f"footer-icp@{STAGING}/": "accepted",
        f"link-health@{STAGING}/": "accepted",
        f"header-site-name@{STAGING}/": "pass",
    }
    assert exit_code(again, "minor") == 0
    assert again.baseline["accepted"] == 2 and again.baseline["resolved"] == []
    kept = [f for f in again.findings if f.outcome is Outcome.ACCEPTED]
    assert all(f.data["accepted"]["outcome"] == "fail" for f in kept)


def test_a_new_defect_fails_the_gate_and_a_fixed_one_is_resolved(tmp_path: Path) -> None:
    baseline = build_baseline(home_run())
    new = finding("header-site-name", message="页面头部未见网站名称", selector="header")
    later = make_run(
        (
            "/",
            [
                passed("footer-icp", f"{PROD}/"),  # fixed
                finding(
                    "link-health",
                    f"{PROD}/",
                    message="链接“往期回顾”返回 404（措辞变了）",
                    selector="#main a",
                    url=f"{PROD}/old.html",
                    kind="http",
                ),
                new,
            ],
        )
    )
    gated = apply_baseline(later, baseline)
    assert outcomes(gated) == {
        f"footer-icp@{PROD}/": "pass",
        f"link-health@{PROD}/": "accepted",
        f"header-site-name@{PROD}/": "fail",
    }
    assert exit_code(gated, "minor") == 1
    assert [e["check"] for e in gated.baseline["resolved"]] == ["footer-icp"]
    assert gated.baseline["unseen"] == []


def test_an_entry_whose_page_was_not_audited_is_unseen_not_resolved() -> None:
    baseline = build_baseline(make_run(("/col/yw/index.html", [finding(page=f"{PROD}/col/yw/")])))
    gated = apply_baseline(make_run(("/", [passed("footer-icp", f"{PROD}/")])), baseline)
    assert gated.baseline["resolved"] == []
    assert [e["check"] for e in gated.baseline["unseen"]] == ["footer-icp"]


def test_a_template_fault_on_every_page_is_one_entry_for_every_page() -> None:
    pages = ("/", "/col/yw/index.html")
    baseline = build_baseline(make_run(*((p, [finding(page=f"{PROD}{p}")]) for p in pages)))
    assert [(e.check, e.page) for e in baseline.entries] == [("footer-icp", ANY_PAGE)]
    newly_crawled = f"{PROD}/art/2026/12/a.html"
    gated = apply_baseline(
        make_run(("/art/2026/12/a.html", [finding(page=newly_crawled)])), baseline
    )
    assert outcomes(gated) == {f"footer-icp@{newly_crawled}": "accepted"}


def test_update_drops_only_the_resolved_entries(tmp_path: Path) -> None:
    baseline = build_baseline(home_run())
    fixed = make_run(("/", [passed("footer-icp", f"{PROD}/"), passed("link-health", f"{PROD}/")]))
    kept, dropped = prune(baseline, fixed)
    assert sorted(e.check for e in dropped) == ["footer-icp", "link-health"]
    assert kept.entries == ()
    kept, dropped = prune(baseline, home_run())
    assert dropped == [] and kept.entries == baseline.entries


def test_a_malformed_baseline_file_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text('{"entries": []}', encoding="utf-8")
    with pytest.raises(BaselineError, match=r"b\.json"):
        load_baseline(bad)
    with pytest.raises(BaselineError, match="不存在"):
        load_baseline(tmp_path / "missing.json")


# -- inline ignores ----------------------------------------------------------------------------


def test_ignore_accepts_the_check_on_its_page_with_the_reason() -> None:
    run = make_run(
        ("/", [finding("header-site-name", f"{PROD}/")]),
        ("/col/yw/index.html", [finding("header-site-name", f"{PROD}/col/yw/index.html")]),
    )
    reason = "顶部“陕西省人民政府”是上级网站链接，不是本站名称"
    ignores = parse_ignores([{"check": "header-site-name", "page": "/", "reason": reason}])
    gated = apply_ignores(run, ignores)
    assert outcomes(gated) == {
        f"header-site-name@{PROD}/": "accepted",
        f"header-site-name@{PROD}/col/yw/index.html": "fail",
    }
    accepted = next(f for f in gated.findings if f.outcome is Outcome.ACCEPTED)
    assert accepted.data["accepted"] == {"outcome": "fail", "by": "ignore", "reason": reason}
    by_url = parse_ignores([{"check": "c", "page": f"{STAGING}/col/yw/index.html", "reason": "x"}])
    assert by_url[0].page == "/col/yw/index.html"
    everywhere = apply_ignores(run, parse_ignores([{"check": "header-site-name", "reason": "x"}]))
    assert set(outcomes(everywhere).values()) == {"accepted"}

    @dataclasses.dataclass(frozen=True)
    class ConfigIgnore:  # the shape a config file's parser hands over
        check: str
        page: str
        reason: str

    from_config = apply_ignores(run, [ConfigIgnore("header-site-name", "/", reason)])
    assert outcomes(from_config) == outcomes(gated)
    everywhere = apply_ignores(run, [{"check": "header-site-name", "page": "*", "reason": "x"}])
    assert set(outcomes(everywhere).values()) == {"accepted"}


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ({"check": "header-site-name", "page": "/"}, "缺少 reason"),
        ({"check": "header-site-name", "reason": "  "}, "缺少 reason"),
        ({"page": "/", "reason": "x"}, "缺少 check"),
        ({"check": "a", "reason": "x", "pages": "/"}, "pages"),
    ],
)
def test_an_ignore_without_a_reason_or_check_is_an_error(item: dict, says: str) -> None:
    with pytest.raises(BaselineError, match=says):
        parse_ignores([item], "auditor.toml")


# -- what the gate does not change -------------------------------------------------------------


def test_the_national_verdict_ignores_the_baseline() -> None:
    table = default_table()
    run = home_run()
    gated = apply_baseline(run, build_baseline(run))
    assert judge(gated.sites[0], table) == judge(run.sites[0], table)
    assert {c for d in judge(gated.sites[0], table).deductions for c, _p, _n in d.checks} == {
        "footer-icp",
        "link-health",
    }
    assert outcomes(unaccepted(gated)) == outcomes(run)


# -- reporters ---------------------------------------------------------------------------------


def gated_run() -> RunResult:
    """footer-icp accepted by the baseline, header-site-name by an ignore, link-health resolved."""
    earlier = home_run()
    now = make_run(
        (
            "/",
            [
                finding(page=f"{PROD}/"),
                passed("link-health", f"{PROD}/"),
                finding("header-site-name", f"{PROD}/", selector="header"),
            ],
        )
    )
    ignores = parse_ignores([{"check": "header-site-name", "reason": "上级网站链接"}])
    return apply_baseline(apply_ignores(now, ignores), build_baseline(earlier))


def test_json_shows_accepted_findings_and_resolved_entries(tmp_path: Path) -> None:
    write_json(gated_run(), tmp_path / "results.json")
    d = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    found = {f["check"]: f for f in d["sites"][0]["pages"][0]["findings"]}
    assert found["footer-icp"]["outcome"] == "accepted"
    assert found["footer-icp"]["data"]["accepted"]["by"] == "baseline"
    assert found["header-site-name"]["data"]["accepted"]["reason"] == "上级网站链接"
    assert [e["check"] for e in d["baseline"]["resolved"]] == ["link-health"]
    assert d["sites"][0]["problems"] == []  # accepted findings are not the gate's problems
    # the national verdict still deducts for them
    deducted = {c["check"] for d_ in d["sites"][0]["verdict"]["deductions"] for c in d_["checks"]}
    assert deducted == {"footer-icp", "header-site-name"}


def test_terminal_counts_accepted_apart_and_lists_resolved_and_reasons() -> None:
    console = Console(record=True, width=200)
    print_summary(gated_run(), console)
    text = console.export_text()
    assert "已接受" in text and "已解决 1 条" in text
    assert "已解决：link-health @ /" in text
    assert "忽略：上级网站链接" in text
    assert "不通过 │" not in text  # no problem is listed as failing


def test_junit_reports_accepted_findings_as_skipped_not_failures(tmp_path: Path) -> None:
    write_junit(gated_run(), tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.get("failures") == "0"
    cases = {c.get("classname"): c for c in root.iter("testcase")}
    skipped = cases["header-site-name"].find("skipped")
    assert skipped is not None and skipped.get("type") == "accepted"
    assert "上级网站链接" in (skipped.text or "")
    assert cases["footer-icp"].find("skipped") is not None


def test_finish_run_exit_code_ignores_accepted_findings(tmp_path: Path) -> None:
    first = home_run()
    save_baseline(build_baseline(first), tmp_path / "b.json")
    console = Console(record=True, width=200)
    code = finish_run(
        home_run(STAGING), tmp_path / "out", "minor", console, baseline=tmp_path / "b.json"
    )
    assert code == 0
    assert "基线" in console.export_text()
    page = (tmp_path / "out" / "sites" / "001.html").read_text(encoding="utf-8")
    assert "已接受" in page  # the HTML report shows them with their own label
    ignores = parse_ignores([{"check": "footer-icp", "reason": "x"}])
    code = finish_run(home_run(), tmp_path / "out2", "minor", Console(record=True), ignores=ignores)
    assert code == 1  # link-health is neither in a baseline nor ignored


# -- command line ------------------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "auditor.cli", *args],
        cwd=cwd,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
        },  # this checkout's auditor, not the installed one
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_baseline_command_writes_and_updates_the_file(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    write_json(home_run(), run_dir / "results.json")
    proc = cli("baseline", str(run_dir), "--out", "b.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    d = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert d["schema"] == "auditor-baseline/1" and d["run"]["dir"] == str(run_dir)
    assert {(e["check"], e["page"]) for e in d["entries"]} == {
        ("footer-icp", "/"),
        ("link-health", "/"),
    }
    link = next(e for e in d["entries"] if e["check"] == "link-health")
    assert link["element"] == "/old.html" and "404" in link["description"]

    fixed = tmp_path / "fixed"
    write_json(
        make_run(("/", [passed("link-health", f"{PROD}/"), finding()])), fixed / "results.json"
    )
    proc = cli("baseline", str(fixed), "--out", "b.json", "--update", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "link-health" in proc.stdout
    d = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [e["check"] for e in d["entries"]] == ["footer-icp"]


def test_audit_with_a_missing_baseline_is_a_usage_error_before_any_browser(tmp_path: Path) -> None:
    proc = cli(
        "audit", "http://127.0.0.1:9/", "--local-only", "--baseline", "nope.json", cwd=tmp_path
    )
    assert proc.returncode == 2 and "nope.json" in proc.stderr
    assert not (tmp_path / "runs").exists()


def test_report_drafts_the_notice_from_the_findings_as_audited(tmp_path: Path) -> None:
    gated = gated_run()
    write_json(unaccepted(gated), tmp_path / "raw" / "results.json")
    write_json(gated, tmp_path / "gated" / "results.json")
    outputs = {}
    for name in ("raw", "gated"):
        proc = cli("report", name, "--format", "json", "--out", f"{name}-notice", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        outputs[name] = proc.stdout.replace(name, "RUN")
        notice = json.loads((tmp_path / f"{name}-notice" / "results.json").read_text("utf-8"))
        assert "accepted" not in {
            f["outcome"] for p in notice["sites"][0]["pages"] for f in p["findings"]
        }
        assert notice["baseline"] == {}
    assert outputs["raw"] == outputs["gated"] and "总体情况" in outputs["raw"]
