"""``auditor monitor``: the availability rule of 国办秘函〔2019〕19号 measured as it is stated.

A server on 127.0.0.1 fails a known share of each path's requests (``monitor_helpers``), so every
recorded ratio is known exactly. Short runs use ``--interval`` and a shorter limit; a whole week is
run in virtual time (the schedule's clock advances instantly, the requests are real). The
process tests kill the monitor with SIGKILL and SIGINT mid-run and check the store afterwards.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from helpers import REPO
from monitor_helpers import FlakyServer, flaky_server, virtual_run

from auditor.cli import main
from auditor.model import SiteSpec
from auditor.monitor.measure import INCOMPLETE, PASS, VETO, Measure, measure_sites
from auditor.monitor.plan import DAY_S, Plan, build_slots
from auditor.monitor.probe import failure_of
from auditor.monitor.store import FAIL, MISSED, OK, AttemptRecord, MonitorStore

AUDITOR = [sys.executable, "-m", "auditor.cli"]
# A limit short enough for a test, long enough that a busy machine never makes a fast page fail.
SHORT = ["--timeout", "5", "--local-only"]
HANG_LIMIT = 1.5  # the hanging path's answer comes after HANG_S, well past this


def write_sites(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["网站名称,网站标识码,首页网址", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(run_dir: Path) -> list[AttemptRecord]:
    store = MonitorStore.open(run_dir)
    try:
        return store.records()
    finally:
        store.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server() -> FlakyServer:
    with flaky_server() as srv:
        yield srv  # type: ignore[misc]


# -- the plan ---------------------------------------------------------------------------------


def test_schedule_gives_each_site_20_evenly_spread_attempts_on_each_of_7_days() -> None:
    plan = Plan(start=1000.0, seed=3)
    slots = build_slots(plan, 908)
    assert len(slots) == 908 * 140
    first = [s for s in slots if s.site == 1]
    assert [sum(1 for s in first if s.day == d) for d in range(7)] == [20] * 7
    gaps = [b.planned - a.planned for a, b in itertools.pairwise(first)]
    assert min(gaps) >= 0.8 * DAY_S / 20 and max(gaps) <= 1.2 * DAY_S / 20
    assert min(s.planned for s in slots) >= plan.start
    # Sites are offset across the spacing: the first attempts are not fired all at once.
    starts = sorted(s.planned for s in slots if s.seq == 0)
    assert len({round(t) for t in starts}) > 800


def test_an_interval_run_or_a_short_plan_is_never_the_rules_measurement() -> None:
    assert Plan().shortfalls() == []
    assert Plan(interval_s=1, attempts=140).shortfalls()
    assert Plan(days=6).shortfalls() and Plan(per_day=19).shortfalls()
    assert Plan(limit_s=5).shortfalls()


# -- the rule's arithmetic --------------------------------------------------------------------


def rows(outcomes: list[str], per_day: int = 20) -> list[AttemptRecord]:
    return [
        AttemptRecord(1, i, i // per_day, float(i), o, reason="HTTP 503" if o == FAIL else "")
        for i, o in enumerate(outcomes)
    ]


def measure(outcomes: list[str]) -> Measure:
    (m,) = measure_sites(Plan(), [SiteSpec("http://www.example.gov.cn/")], rows(outcomes))
    return m


def test_five_percent_exactly_is_a_veto_and_just_under_is_not() -> None:
    veto = measure([FAIL] * 7 + [OK] * 133)
    assert (veto.ratio, veto.state) == ("5.00%", VETO)
    under = measure([FAIL] * 6 + [OK] * 134)
    assert (under.ratio, under.state) == ("4.29%", PASS)


def test_missed_slots_are_not_failures_but_a_day_short_of_20_attempts_is_incomplete() -> None:
    m = measure([OK] * 19 + [MISSED] + [OK] * 120)
    assert (m.attempts, m.failures, m.missed, m.ratio) == (139, 0, 1, "0.00%")
    assert m.state == INCOMPLETE
    assert "第1天只访问了19次" in m.shortfalls[0]


def test_slots_still_to_come_are_incomplete_even_above_five_percent() -> None:
    m = measure([FAIL] * 10 + [OK] * 20 + ["pending"] * 110)
    assert m.reached and m.state == INCOMPLETE
    assert m.pending == 110


# -- why an attempt failed --------------------------------------------------------------------


def chained(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


def expired_certificate() -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_code, exc.verify_message = 10, "certificate has expired"
    return exc


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (TimeoutError(), "timeout", "超时（15秒内未打开）"),
        (
            chained(httpx.ConnectError("x"), socket.gaierror(socket.EAI_NONAME, "no name")),
            "dns",
            "无法解析域名",
        ),
        (
            chained(httpx.ConnectError("x"), ConnectionRefusedError(111, "refused")),
            "refused",
            "连接被拒绝",
        ),
        (
            chained(httpx.ConnectError("x"), expired_certificate()),
            "tls",
            "HTTPS 证书无效：证书已过期",
        ),
    ],
)
def test_a_failure_is_named_in_chinese(exc: BaseException, kind: str, reason: str) -> None:
    got_kind, got_reason = failure_of(exc, 15)
    assert got_kind == kind
    assert got_reason.startswith(reason)


# -- short runs against the flaky server ------------------------------------------------------


def test_recorded_ratio_is_exact_with_reasons_and_details_apart(
    server: FlakyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = f"http://127.0.0.1:{closed_port()}/"
    sites = write_sites(
        tmp_path / "sites.csv",
        [
            ("每四次一次503", "1100000001", f"{server.base}/every4/"),
            ("每三次一次超时", "1100000002", f"{server.base}/hang3/"),
            ("一直正常", "1100000003", f"{server.base}/ok/"),
            ("拒绝连接", "1100000004", refused),
        ],
    )
    out = tmp_path / "mon"
    argv = ["monitor", "--sites", str(sites), "--out", str(out), "--interval", "0.05"]
    code = main([*argv, "--attempts", "12", "--timeout", str(HANG_LIMIT), "--local-only"])
    assert code == 0  # a test run decides nothing, so nothing vetoes
    by_site = {m.site.name: m for m in measure_sites(*_load(out))}
    got = {n: (m.attempts, m.failures, m.ratio) for n, m in by_site.items()}
    assert got == {
        "每四次一次503": (12, 3, "25.00%"),
        "每三次一次超时": (12, 4, "33.33%"),
        "一直正常": (12, 0, "0.00%"),
        "拒绝连接": (12, 12, "100.00%"),
    }
    assert {m.state for m in by_site.values()} == {INCOMPLETE}
    failed = [r for r in records(out) if r.outcome == FAIL]
    reasons = {r.reason for r in failed}
    assert reasons == {"HTTP 503", "超时（1.5秒内未打开）", "连接被拒绝"}
    for r in failed:  # the Chinese reason for people, the technical words apart
        assert r.started and r.elapsed_ms is not None
        if r.kind != "http":
            assert r.detail and r.detail not in r.reason
    assert server.hits["/every4/"] == 12 and server.methods.keys() == {"GET"}
    shown = capsys.readouterr().out
    assert "25.00%" in shown and "33.33%" in shown and "监测未完成" in shown


def _load(run_dir: Path) -> tuple[Plan, list[SiteSpec], list[AttemptRecord]]:
    store = MonitorStore.open(run_dir)
    try:
        return store.plan(), store.sites(), store.records()
    finally:
        store.close()


def test_never_two_requests_in_flight_to_one_host(server: FlakyServer, tmp_path: Path) -> None:
    names = "ABCDE"
    sites = write_sites(
        tmp_path / "sites.csv",
        [(f"站{c}", f"110000000{i}", f"{server.base}/slow/{c}/") for i, c in enumerate(names)],
    )
    argv = ["monitor", "--sites", str(sites), "--out", str(tmp_path / "m")]
    assert main([*argv, "--interval", "0.02", "--attempts", "6", *SHORT]) == 0
    assert sum(server.hits.values()) == 30
    assert server.max_in_flight == 1


def test_status_prints_attempts_ratio_missed_and_the_verdict(
    server: FlakyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sites = [
        SiteSpec(f"{server.base}/every20/", name="正好百分之五"),
        SiteSpec(f"{server.base}/every25/", name="低于百分之五"),
    ]
    measures = virtual_run(tmp_path / "week", sites)
    assert [(m.failures, m.attempts, m.ratio, m.state) for m in measures] == [
        (7, 140, "5.00%", VETO),
        (5, 140, "3.57%", PASS),
    ]
    capsys.readouterr()
    assert main(["monitor", "status", str(tmp_path / "week")]) == 1  # a veto: exit 1
    shown = capsys.readouterr().out
    for text in ("140/140", "5.00%", "3.57%", "单项否决", "站点无法访问", "可访问", "HTTP 503 7次"):
        assert text in shown


# -- real processes: kill -9, Ctrl-C, the same command again ----------------------------------


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """The monitor as a user starts it from a terminal: Ctrl-C (SIGINT) reaches it even when the
    test run itself is a background job, whose children inherit SIGINT ignored."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [*AUDITOR, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=_interruptible,
    )  # fmt: skip


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_attempts(run_dir: Path, at_least: int, proc: subprocess.Popen[str]) -> None:
    """Poll the store until the running monitor has recorded ``at_least`` attempts."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if MonitorStore.exists(run_dir):
            done = [r for r in records(run_dir) if r.outcome != "pending"]
            if len(done) >= at_least:
                return
        time.sleep(0.05)
    raise AssertionError("the monitor recorded too few attempts")


def test_kill_9_mid_run_then_resume_loses_and_duplicates_nothing(
    server: FlakyServer, tmp_path: Path
) -> None:
    sites = write_sites(
        tmp_path / "sites.csv",
        [
            ("甲", "1100000001", f"{server.base}/every4/"),
            ("乙", "1100000002", f"{server.base}/ok/"),
        ],
    )
    out = tmp_path / "mon"
    args = ["monitor", "--sites", str(sites), "--out", str(out), "--interval", "0.05"]
    proc = start([*args, "--attempts", "200", *SHORT], tmp_path)
    wait_for_attempts(out, 8, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    before = {(r.site, r.seq): r for r in records(out) if r.outcome != "pending"}
    # Let the next planned slot pass while nothing runs: it must come back as missed.
    first_pending = min(r.planned for r in records(out) if r.outcome == "pending")
    while time.time() <= first_pending:
        time.sleep(0.05)

    again = start(["monitor", "--resume", str(out)], tmp_path)
    stdout, stderr = again.communicate(timeout=240)
    assert again.returncode == 0, stderr

    after = records(out)
    assert len(after) == 400  # the plan: 2 sites × 200, each slot exactly once
    assert len({(r.site, r.seq) for r in after}) == 400
    assert all(r.outcome in (OK, FAIL, MISSED) for r in after)
    for key, r in before.items():  # nothing recorded before the kill was lost or rewritten
        assert next(a for a in after if (a.site, a.seq) == key) == r
    missed = [r for r in after if r.outcome == MISSED]
    assert missed and all(r.reason == "监测程序未运行（计划访问时间已过）" for r in missed)
    tried = [r for r in after if r.outcome in (OK, FAIL)]
    assert len(tried) > len(before)  # the resumed run went on asking
    # Every request the server answered was recorded, bar at most the one in flight at the kill
    # (one host: one request at a time), whose slot is then missed, never counted twice.
    assert sum(server.hits.values()) - len(tried) in (0, 1)
    assert "继续监测" in stdout and "未监测" in stdout


def test_ctrl_c_stops_cleanly_and_names_the_folder(server: FlakyServer, tmp_path: Path) -> None:
    sites = write_sites(tmp_path / "sites.csv", [("甲", "1100000001", f"{server.base}/ok/")])
    out = tmp_path / "mon"
    args = ["monitor", "--sites", str(sites), "--out", str(out), "--interval", "0.1"]
    proc = start([*args, "--attempts", "1000", *SHORT], tmp_path)
    wait_for_attempts(out, 2, proc)
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "已中断" in stderr and f"auditor monitor --resume {out}" in stderr
    assert "Traceback" not in stderr


def test_the_same_command_again_continues_and_a_different_plan_is_refused(
    server: FlakyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sites = write_sites(tmp_path / "sites.csv", [("甲", "1100000001", f"{server.base}/every4/")])
    argv = ["monitor", "--sites", str(sites), "--out", str(tmp_path / "m"), "--interval", "0.02"]
    assert main([*argv, "--attempts", "8", *SHORT]) == 0
    assert main([*argv, "--attempts", "8", *SHORT]) == 0  # finished: nothing is asked again
    assert server.hits["/every4/"] == 8
    assert "继续监测" in capsys.readouterr().out
    assert main([*argv, "--attempts", "9", *SHORT]) == 2
    assert "计划不同" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--interval", "1", "--days", "7"], "--interval 与 --days/--per-day 不能同时使用"),
        (["--attempts", "5"], "--attempts 只与 --interval 同用"),
        (["--timeout", "0"], "--timeout 须大于 0"),
    ],
)
def test_contradictory_options_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], says: str
) -> None:
    sites = write_sites(tmp_path / "sites.csv", [("甲", "1100000001", "http://127.0.0.1:9/")])
    out = tmp_path / "m"
    assert main(["monitor", "--sites", str(sites), "--out", str(out), *extra]) == 2
    assert says in capsys.readouterr().err
    assert not MonitorStore.exists(out)


def test_resume_keeps_the_stored_plan_and_refuses_new_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["monitor", "--resume", str(tmp_path), "--timeout", "5"]) == 2
    assert "--resume 沿用原监测的网站清单和计划" in capsys.readouterr().err
    assert main(["monitor", "--resume", str(tmp_path)]) == 2
    assert "没有监测记录" in capsys.readouterr().err
