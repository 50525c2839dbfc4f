"""``audit``, ``demo``, ``gather`` and ``check``: the commands that produce a run."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from auditor.cli.cluster import check_broker_url, cluster_of
from auditor.cli.common import (
    audit_options,
    default_out_dir,
    ensure_writable,
    finish_run,
    gate_inputs,
    sites_from_args,
)
from auditor.cli.parser import DEMO_AS_OF, EXIT_OK, UsageError
from auditor.model import RunResult, SiteResult, SiteSpec
from auditor.run.baseline import load_baseline
from auditor.run.sites import normalize_url, validate_url
from auditor.run.store import RunStore, StoreError
from auditor.verdict import ScoringTable, default_table, judge, load_table
from auditor.version import __version__

if TYPE_CHECKING:
    from auditor.cluster.coordinator import ClusterRun


def cmd_audit(args: argparse.Namespace, console: Console, err: Console) -> int:
    table = load_table(args.scoring)
    if baseline := gate_inputs(args)["baseline"]:
        load_baseline(baseline)  # a bad file stops the run before any browser starts
    accounts = _accounts_list(args)
    if args.broker:  # a wrong address stops the run before a run folder is made
        check_broker_url(args.broker)
    if args.resume:
        store, options = _resume(args)
    else:
        args.resolved_out = default_out_dir(args)  # named by the Ctrl-C message from now on
        sites, errors = sites_from_args(args)
        for message in errors:
            err.print(Text.assemble(("警告：", "yellow"), message))
        options = audit_options(args, args.resolved_out)
        ensure_writable(options.out_dir)
        store = RunStore.create(options.out_dir, sites, _run_meta(options, errors, args.scoring))
    try:
        if args.scoring:
            store.set_meta("scoring", _scoring_meta(args.scoring))
        cluster = cluster_of(args, store, err)
        run = _run(store, options, console, table, cluster)
        listed = [s for _i, s, _st in store.listed()]
    finally:
        store.close()
    media_code = _audit_accounts(args, accounts, options.out_dir, console, err)
    code = finish_run(
        run, options.out_dir, args.fail_on, console, table, listed, **gate_inputs(args)
    )
    return max(code, media_code)


def _accounts_list(args: argparse.Namespace):
    """The --accounts list, read before any browser starts (a bad file stops the run)."""
    from auditor.cli.media import media_state
    from auditor.media.accounts import read_accounts

    if not getattr(args, "accounts", None):
        return None
    listed = read_accounts(args.accounts)
    media_state(args)  # likewise a bad --media-state file
    return listed


def _audit_accounts(args, accounts, out: Path, console: Console, err: Console) -> int:
    """The 政务新媒体 half into the same run folder (media.json beside results.json)."""
    if accounts is None:
        return EXIT_OK
    from auditor.cli.media import exit_code, run_accounts

    results = run_accounts(args, accounts, out, console, err, with_sites=True)
    return exit_code(results, args.fail_on)


def _run_meta(options, input_errors: list[str], scoring: Path | None) -> dict[str, object]:
    """What the store keeps about the run: enough to resume it with the same rules and date."""
    from auditor.engine import default_concurrency

    as_of = options.as_of or date.today()
    return {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "auditor_version": __version__,
        "options": {
            "max_pages": options.max_pages,
            "concurrency": options.concurrency or default_concurrency(),
            "per_host": options.per_host,
            "timeout_ms": options.settings.timeout_ms,
            "viewport": list(options.settings.viewport),
        },
        "input_errors": list(input_errors),
        "resume": {
            "max_pages": options.max_pages,
            "timeout_ms": options.settings.timeout_ms,
            "as_of": as_of.isoformat(),
            "column_pattern": options.rules.column_pattern,
            "article_pattern": options.rules.article_pattern,
            "skip": sorted(options.skip | options.skip_checks),
            "page_type": options.start_page_type.value if options.start_page_type else None,
            "resolve": [f"{name}={ip}" for name, ip in options.resolve.items()],
        },
        "scoring": _scoring_meta(scoring) if scoring else None,
    }


def _scoring_meta(path: Path) -> dict[str, str]:
    return {"text": path.read_text(encoding="utf-8"), "origin": str(path)}


def _resume(args: argparse.Namespace):
    """Open the stored run; the sites and the rules that decide findings come from the store."""
    if not RunStore.exists(args.resume):
        raise StoreError(f"{args.resume} 中没有检查记录（run.sqlite）")
    ensure_writable(args.resume)
    store = RunStore.open(args.resume)
    stored = [s.url for _i, s, _st in store.listed()]
    if args.urls or args.sites:
        given, _errors = sites_from_args(args)
        if [s.url for s in given] != stored:
            store.close()
            raise UsageError(
                f"--resume {args.resume}：给出的网站与原检查的网站清单不同"
                "（续查时可以不再给出网址或 --sites）"
            )
    saved = store.meta("resume", {})
    args.max_pages = saved.get("max_pages", args.max_pages)
    args.timeout = saved.get("timeout_ms", args.timeout * 1000) / 1000
    args.as_of = date.fromisoformat(saved["as_of"]) if saved.get("as_of") else None
    args.skip = ",".join(saved.get("skip", [])) or args.skip
    args.column_pattern = saved.get("column_pattern", "")
    args.article_pattern = saved.get("article_pattern", "")
    args.page_type = saved.get("page_type")
    args.resolve = args.resolve or saved.get("resolve", [])
    return store, audit_options(args, args.resume)


def _run(
    store: RunStore,
    options,
    console: Console,
    table: ScoringTable | None = None,
    cluster: ClusterRun | None = None,
) -> RunResult:
    """Audit the store's unfinished sites with a progress bar; pages are stored as they finish
    (on this machine, or by the cluster's workers when ``cluster`` is given).

    results.json (finished sites so far) is refreshed at most every 10 s while the run goes on;
    the store is what survives a crash, and the final results.json is written by ``finish_run``.
    """
    from auditor.report.json_report import write_json
    from auditor.report.progress import Progress
    from auditor.run.store import audit_pending

    listed = store.listed()
    done = {i: store.site_result(i) for i, _s, status in listed if status == "done"}
    meta = store.load()
    meta.sites = []
    last = [0.0]
    judging = table or default_table()

    def save_partial(idx: int, site: SiteResult) -> None:
        done[idx] = site
        progress.site_done(site.site.label, len(site.pages), judge(site, judging).label)
        if time.monotonic() - last[0] >= 10:
            last[0] = time.monotonic()
            meta.sites = [s for _i, s in sorted(done.items()) if s is not None]
            write_json(meta, options.out_dir / "results.json", table)

    with Progress(console, sites_total=len(listed)) as progress:
        progress.sites_done = len(done)
        if cluster is not None:
            from auditor.cluster.coordinator import audit_pending_on_cluster

            return audit_pending_on_cluster(store, options, cluster, progress, save_partial)
        run = asyncio.run(audit_pending(store, options, progress, on_site=save_partial))
    return run


def cmd_gather(args: argparse.Namespace, console: Console) -> int:
    from auditor.run.gather_only import gather_only

    urls = [normalize_url(u) for u in args.urls]
    for url in urls:
        why = validate_url(url)
        if why:
            raise UsageError(why)
    ensure_writable(args.out)
    saved = asyncio.run(gather_only(urls, audit_options(args, args.out)))
    for path in saved:
        console.print(f"已保存：{path}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    from auditor.run.check_from import check_saved

    if not args.source.is_dir():
        raise UsageError(f"目录不存在：{args.source}")
    run = check_saved(args.source)
    if not run.sites or not any(s.pages for s in run.sites):
        raise UsageError(f"{args.source} 中没有找到已保存的页面数据（*.artifacts.json）")
    return finish_run(run, args.source, args.fail_on, console, **gate_inputs(args))


def cmd_demo(args: argparse.Namespace, console: Console, err: Console) -> int:
    from auditor.demo.server import DemoServer

    out = default_out_dir(args)
    args.resolved_out = out
    table = load_table(args.scoring)
    if baseline := gate_inputs(args)["baseline"]:
        load_baseline(baseline)
    ensure_writable(out)
    _forget_store(out)  # the demo starts afresh each time it is run into the same folder
    with DemoServer() as server:
        console.print(f"示例网站：{server.url}")
        args.local_only = True  # the demo never needs to reach any other host
        site = SiteSpec(url=server.url, name="示例市人民政府", code="3701000001", region="示例市")
        options = audit_options(args, out)
        # The demo's pages are dated for this audit day; a later day would make them stale.
        options.as_of = args.as_of or DEMO_AS_OF
        store = RunStore.create(out, [site], _run_meta(options, [], args.scoring))
        try:
            run = _run(store, options, console, table)
        finally:
            store.close()
    if not args.no_accounts:
        _demo_accounts(args, out, console, err)
    return finish_run(run, out, args.fail_on, console, table, [site], **gate_inputs(args))


def _demo_accounts(args: argparse.Namespace, out: Path, console: Console, err: Console) -> None:
    """The demo's 政务新媒体 half: its accounts on a weibo-like server mapped to 127.0.0.1.

    Shown and written for the notice, but not in the exit code: the demo's exit code is the
    site's CI gate (``--baseline`` covers site findings only).
    """
    from auditor.cli.media import run_accounts
    from auditor.demo.media import HOST, MediaDemoServer, demo_accounts

    media_args = argparse.Namespace(**vars(args))
    media_args.as_of = args.as_of or DEMO_AS_OF
    media_args.resolve = [*(args.resolve or []), f"{HOST}=127.0.0.1"]
    with MediaDemoServer() as server:
        console.print(f"示例政务新媒体：http://{HOST}:{server.port}/（映射到 127.0.0.1）")
        run_accounts(media_args, demo_accounts(server.port), out, console, err)


def _forget_store(out: Path) -> None:
    for name in ("run.sqlite", "run.sqlite-wal", "run.sqlite-shm", "manifest.json", "media.json"):
        (out / name).unlink(missing_ok=True)
