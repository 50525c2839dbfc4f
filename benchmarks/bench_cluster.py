"""The cluster's throughput and the queue's overhead: the same sites locally and through 1–3 workers.

Everything runs on this machine, on 127.0.0.1 only:

1. ``--sites`` generated government-style sites (``tests/cluster_helpers.write_sites``: home page,
   two dated columns, an article in each — 5 pages a site), each served by its own
   ``DemoServer`` (its own origin, as in a province list; ``--latency-ms`` delays every response),
   and one sites CSV;
2. one ``redis-server`` (``cluster_helpers.RedisServer``) on a free port;
3. an untimed warm-up audit of one site, so no configuration pays for a cold disk cache alone;
4. the configurations, each one run of the real CLI, timed by its wall time::

       python -m auditor.cli audit --sites CSV --out OUT --local-only --fail-on none \\
           --as-of 2026-11-27 --max-pages P --concurrency C [--broker redis://…]

   *local* (no broker), then *1, 2 and 3 workers*: that many ``auditor worker --concurrency C``
   processes (one Chromium each, C sites at once sharing C page slots), started and ready BEFORE
   the timed run and stopped after it.
   Pages are counted from each run's ``results.json``.

"Equal total concurrency": the coordinator sends its ``--concurrency`` to the workers in every
task's options (``auditor.cluster.payload.options_to_dict``) and each worker runs C tasks at once,
so one worker renders as many pages and holds as many sites open as the local run. The queue's overhead is (1-worker time − local time) ÷ local time.

What is printed, besides wall time, pages and pages/s of each configuration (and the 1-minute
load average before and after it, with a note when other processes were loading the machine):

- the overhead of the queue, and the speed-up of 2 and 3 workers over 1;
- the workers' busy time (while at least one task ran, from "Task … succeeded in N s" in their
  logs): wall − busy for 1 worker is what the queue, the coordinator's polling and the landing
  of the last results cost, and busy − local what auditing through tasks costs the worker;
- the coordinator's own CPU time (user + sys of the ``audit --broker`` process, which starts no
  browser), in total and per site;
- a projection for N machines like this one, N = 1, 5, 10, 50: measured 1-worker pages/s × N, and
  the hours for 14 000 sites at the measured pages per site.

On a 2-core machine 2 and 3 workers share the same cores, so their speed-up is bounded by the
machine, not by the queue; the projection assumes one worker per machine and that the coordinator
and Redis keep up (see the coordinator's CPU per site). A measurement, not a test: nothing is
asserted; the exit code is 0 unless a run fails outright.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_cluster.py                  # 20 sites × 5 pages
    PYTHONPATH=. .venv/bin/python benchmarks/bench_cluster.py --quick          # 4 sites, smoke run
    PYTHONPATH=. .venv/bin/python benchmarks/bench_cluster.py --latency-ms 300 --keep

Needs ``redis-server`` (Debian package) and a Chromium (``$AUDITOR_BROWSER``, or what the auditor
finds by itself).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from cluster_helpers import (  # noqa: E402
    RedisServer,
    Worker,
    _default_sigint,
    auditor_env,
    write_sites,
    write_sites_csv,
)

from auditor.cluster.app import VISIBILITY_TIMEOUT_S  # noqa: E402
from auditor.demo.server import DemoServer  # noqa: E402
from auditor.engine import default_concurrency  # noqa: E402

AS_OF = "2026-11-27"
PAGES_PER_SITE = 5  # write_sites: home, two columns, one article in each
PROVINCE_SITES = 14_000
MACHINES = (1, 5, 10, 50)
RUN_TIMEOUT_S = 3600
SUCCEEDED = re.compile(
    r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/[^\]]*\] "
    r"Task auditor\.audit_sites\[[^\]]+\] succeeded in ([0-9.]+)s"
)


class BenchWorker(Worker):
    """``auditor worker --concurrency C``: C sites at once on the worker's one Chromium, sharing
    C page slots, as a local run with ``--concurrency C`` does."""

    def __init__(self, broker: str, name: str, logdir: Path, concurrency: int) -> None:
        self.name = name
        self.log = logdir / f"worker-{name}.log"
        args = [sys.executable, "-m", "auditor.cli", "worker", "--broker", broker]
        args += ["--name", name, "--local-only", "--concurrency", str(concurrency)]
        args += ["--visibility-timeout", str(VISIBILITY_TIMEOUT_S)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                args, stdout=log, stderr=log, env=auditor_env(), preexec_fn=_default_sigint
            )

    def busy_s(self) -> float:
        """Seconds in which this worker was auditing at least one task (from its log: each
        task's end time and duration; overlapping tasks count once)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        spans = []
        for stamp, took in SUCCEEDED.findall(text):
            end = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
            spans.append((end - float(took), end))
        busy, reached = 0.0, float("-inf")
        for start, end in sorted(spans):
            if end > reached:
                busy += end - max(start, reached)
                reached = end
        return busy


@dataclass
class Measured:
    label: str
    wall_s: float
    cpu_s: float  # user + sys of the CLI process and its waited-for children
    sites: int
    pages: int
    bad: int
    busy_s: float | None = None  # the workers' summed task time
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after the run

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(results: Path) -> tuple[int, int, int]:
    """(sites, pages, sites unfinished or failed) in results.json; zeros if it is missing."""
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0, 0, 0
    sites = data.get("sites", [])
    pages = sum(len(s.get("pages", [])) for s in sites)
    bad = sum(1 for s in sites if s.get("unfinished") or s.get("error"))
    return len(sites), pages, bad


def audit(csv: Path, out: Path, args: argparse.Namespace, *extra: str) -> tuple[float, float]:
    """One CLI run to the end: (wall seconds, CPU seconds). Its process group is killed if we
    are interrupted, so no browser outlives the benchmark."""
    cmd = [sys.executable, "-m", "auditor.cli", "audit", "--sites", str(csv), "--out", str(out)]
    cmd += ["--local-only", "--fail-on", "none", "--as-of", AS_OF]
    cmd += ["--max-pages", str(args.max_pages), "--concurrency", str(args.concurrency), *extra]
    log = out.parent / f"{out.name}.log"
    cpu0 = _children_cpu()
    with log.open("wb") as f:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=f, stderr=f, env=auditor_env(), preexec_fn=_default_sigint
        )
        try:
            code = proc.wait(RUN_TIMEOUT_S)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        wall = time.perf_counter() - start
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"audit {out.name} exited {code}:\n{tail}")
    return wall, _children_cpu() - cpu0


def run_local(csv: Path, work: Path, args: argparse.Namespace) -> Measured:
    out = work / "local"
    wall, cpu = audit(csv, out, args)
    return Measured("local", wall, cpu, *_count(out / "results.json"))


def run_cluster(
    csv: Path, work: Path, args: argparse.Namespace, redis: RedisServer, n: int
) -> Measured:
    out = work / f"workers-{n}"
    workers: list[BenchWorker] = []
    try:
        for k in range(1, n + 1):
            workers.append(BenchWorker(redis.url, f"bench{n}-{k}", work, args.concurrency))
        for w in workers:
            w.wait_ready(120)
        wall, cpu = audit(csv, out, args, "--broker", redis.url)
    finally:
        for w in workers:
            w.stop()
    busy = sum(w.busy_s() for w in workers)  # one worker: the time it was auditing
    label = f"{n} worker" + ("s" if n > 1 else "")
    return Measured(label, wall, cpu, *_count(out / "results.json"), busy_s=busy)


def counts_of(results: list[Measured]) -> list[int]:
    return [int(m.label.split()[0]) for m in results if m.busy_s is not None]


def _terminate(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM cleans up as Ctrl-C does


def report(results: list[Measured], args: argparse.Namespace) -> None:
    print()
    print(f"{'configuration':<14}{'wall s':>9}{'sites':>7}{'pages':>7}{'pages/s':>9}{'busy s':>9}")
    for m in results:
        busy = f"{m.busy_s:9.1f}" if m.busy_s is not None else f"{'—':>9}"
        bad = f"   ({m.bad} sites unfinished)" if m.bad else ""
        print(
            f"{m.label:<14}{m.wall_s:9.1f}{m.sites:7d}{m.pages:7d}{m.pages_per_s:9.2f}{busy}{bad}"
        )
    busiest = max(max(m.load) for m in results)
    if busiest > (os.cpu_count() or 1) + max(counts_of(results), default=0) + 1:
        print(
            f"note: the 1-min load average reached {busiest:.1f} on {os.cpu_count()} cores: other "
            "processes shared the machine, so these timings are noisy"
        )
    pages = {m.pages for m in results}
    if len(pages) > 1:
        print(f"note: the configurations audited different numbers of pages: {sorted(pages)}")
    local = results[0]
    by_n = {int(m.label.split()[0]): m for m in results[1:]}
    one = by_n.get(1)
    if one is None:
        return
    print()
    overhead = (one.wall_s - local.wall_s) / local.wall_s
    print(
        f"overhead of the queue (1 worker vs local, both --concurrency {args.concurrency}): "
        f"{overhead:+.1%}   (target ≤ +10 %)"
    )
    print(
        "  (the local wall time includes its Chromium's launch; the workers' browsers were "
        "started before the timed run)"
    )
    if one.busy_s is not None:
        print(
            f"  of which: the worker auditing (tasks running): busy {one.busy_s:.1f} s"
            f" vs local {local.wall_s:.1f} s ({(one.busy_s - local.wall_s) / local.wall_s:+.1%});"
        )
        print(
            f"            queue, polling, transfer and landing: wall − busy = "
            f"{one.wall_s - one.busy_s:.1f} s ({(one.wall_s - one.busy_s) / local.wall_s:+.1%})"
        )
    for n, m in sorted(by_n.items()):
        if n > 1:
            print(f"speed-up of {n} workers over 1: {one.wall_s / m.wall_s:.2f}×")
    cores = os.cpu_count() or 1
    print(
        f"note: this machine has {cores} cores; 2–3 workers share them (each its own Chromium), "
        "so their speed-up is bounded by the machine, not by the queue."
    )
    cpu = [m.cpu_s / m.sites for m in results[1:] if m.sites]
    if cpu:
        print(
            f"coordinator CPU (audit --broker, no browser): {min(cpu):.3f}–{max(cpu):.3f} s per "
            f"site (whole process, Python start-up included; local run: "
            f"{local.cpu_s / max(local.sites, 1):.2f} s per site with its Chromium)"
        )
    if not one.sites or not one.pages:
        return
    per_site = one.pages / one.sites
    print()
    print(
        f"projection: N machines like this one, one worker each, at the measured 1-worker "
        f"{one.pages_per_s:.2f} pages/s; {PROVINCE_SITES} sites × {per_site:.1f} pages "
        f"(latency {args.latency_ms} ms)"
    )
    print(f"{'machines':>9}{'pages/s':>10}{'hours for ' + str(PROVINCE_SITES) + ' sites':>24}")
    for n in MACHINES:
        rate = one.pages_per_s * n
        hours = PROVINCE_SITES * per_site / rate / 3600
        print(f"{n:9d}{rate:10.2f}{hours:24.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sites", type=int, default=20, help="generated sites (default 20)")
    parser.add_argument("--quick", action="store_true", help="4 sites: a smoke run")
    parser.add_argument("--max-pages", type=int, default=PAGES_PER_SITE, help="default 5")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=default_concurrency(),
        help=f"the audit's --concurrency, local and on the workers (default {default_concurrency()})",
    )
    parser.add_argument("--workers", default="1,2,3", help="worker counts (default 1,2,3)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay of every response")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites = 4
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    if args.sites < 1 or args.concurrency < 1 or not counts or min(counts) < 1:
        parser.error("--sites, --concurrency and --workers must be at least 1")
    signal.signal(signal.SIGTERM, _terminate)

    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    print(
        f"bench_cluster: {args.sites} sites × up to {args.max_pages} pages, each its own origin, "
        f"latency {args.latency_ms} ms, --concurrency {args.concurrency}, "
        f"{os.cpu_count()} cores, workers {counts}"
    )
    results: list[Measured] = []
    with contextlib.ExitStack() as stack:
        if not args.keep:
            import shutil

            stack.callback(shutil.rmtree, work, ignore_errors=True)
        specs = write_sites(work / "www", args.sites, as_of=AS_OF)
        rows = []
        for k, spec in enumerate(specs, 1):
            server = stack.enter_context(DemoServer(root=work / "www", latency_ms=args.latency_ms))
            rows.append((spec["name"], spec["code"], f"{server.url}s{k}/index.html"))
        csv = work / "sites.csv"
        write_sites_csv(csv, rows)
        write_sites_csv(work / "warmup.csv", rows[:1])
        redis = RedisServer(work / "redis")
        stack.callback(redis.stop)
        redis.start()

        audit(work / "warmup.csv", work / "warmup", args)  # untimed: a warm disk cache for all
        for n in [0, *counts]:
            before = os.getloadavg()[0]
            m = run_cluster(csv, work, args, redis, n) if n else run_local(csv, work, args)
            m.load = (before, os.getloadavg()[0])
            results.append(m)
            print(
                f"  {m.label}: {m.wall_s:.1f} s "
                f"(1-min load average {m.load[0]:.1f} → {m.load[1]:.1f})",
                flush=True,
            )
        report(results, args)
        if args.keep:
            print(f"\nkept: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
