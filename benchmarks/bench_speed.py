"""Where does an audit's time go? Bare rendering vs the engine, as ratios measured in one run.

Three configurations render the SAME pages at the SAME concurrency in one process:

- **floor**: bare Playwright. One browser context per site (as the engine opens), its tabs reused;
  per page ``goto(wait_until="load")`` + a full-page screenshot. At most ``--concurrency`` pages
  at once over all sites (default: the engine's ``default_concurrency()``), at most ``per_host``
  per site, at most ``--concurrency`` sites open at once, home page first (the engine has to
  render it before it knows the other pages): the engine's concurrency model without its work.
- **identity**: ``auditor.engine.audit`` with a11y, phone, elderly, links, qr and probes skipped,
  i.e. the render plus the identity/footer/meta checks and their evidence.
- **full**: ``auditor.engine.audit`` with every gatherer.

Plus **floor-seq**: one context, one tab, every page one after another (the naive loop that the
target "pages per second ≥ 2.5× the one-context floor at 300 ms latency" is measured against).

Workloads: (A) ``--sites`` generated gov-style sites of ``--pages`` pages, each site its own
origin (one ``DemoServer`` per site on 127.0.0.1), crawled by the engine from the home page;
(B) with ``--corpus``, the 35 real pages of ``shared/corpus/real/pages`` (``$AUDITOR_SHARED``),
each served by its own ``DemoServer`` and audited as a one-page site. ``--latency-ms`` delays every
response (pages, CSS, images) by that much.

Every timing covers the whole run: Playwright start, browser launch, the pages, browser close.
An untimed warm-up launch comes first, so no configuration pays for a cold disk cache alone.
Order in a round is fixed: floor, identity, full, floor-seq; with ``--rounds N`` the order
rotates by one each round (interleaved) and the median wall time is reported.

A measurement, not a test: nothing is asserted. Peak memory is bench_memory.py's job.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_speed.py                 # 4 sites × 20 pages
    PYTHONPATH=. .venv/bin/python benchmarks/bench_speed.py --corpus --latency-ms 300
    PYTHONPATH=. .venv/bin/python benchmarks/bench_speed.py --quick         # 2 × 5, smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright

# The sibling scripts (bench_memory) are imported as modules from this folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_memory import (
    COLUMNS,
    HEADLINES,
    PARAGRAPH,
    STATIC_FILES,
    Site,
    _date,
    _page,
    make_site,
)

from auditor.browser.launch import launch
from auditor.browser.renderer import AuditOptions, default_concurrency
from auditor.demo.server import SITE_ROOT, DemoServer
from auditor.engine import audit
from auditor.model import PageResult, RunResult, SiteSpec

IDENTITY_SKIP = frozenset({"a11y", "phone", "elderly", "links", "qr", "probes"})
PROVINCE_PAGES = 908 * 20  # 908 sites × 20 pages: the projection's workload
TIMEOUT_MS = 15_000  # the engine's RenderSettings.timeout_ms
QR_FILE = "qr/wechat.png"  # a readable QR code from the demo site


# -- workload A: generated sites --------------------------------------------------------------------


def _layout(pages: int) -> tuple[bool, int, int]:
    """(sitemap page?, columns, articles) for a site of ``pages`` pages, home included."""
    rest = max(0, pages - 1)
    sitemap = rest >= 2
    rest -= sitemap
    n_cols = min(len(COLUMNS), rest, max(1, rest // 5))
    return sitemap, n_cols, rest - n_cols


def _gov_page(
    site: Site, up: str, title: str, metas: dict[str, str], main: str, nav: str, sitemap: bool
) -> str:
    """bench_memory's page, plus a 网站地图 link in the footer when the site has that page."""
    page = _page(site, up, title, metas, main, nav)
    if sitemap:
        page = page.replace(
            '<p><span class="item">地址',
            f'<p><span class="item"><a href="{up}sitemap.html">网站地图</a></span>\n'
            '        <span class="item">地址',
            1,
        )
    return page


def write_site(root: Path, site: Site, pages: int) -> list[str]:
    """Site ``k`` under ``root/s<k>/``; returns its page paths, home first.

    The home page links every other page (columns in the nav, articles in dated news boxes, the
    sitemap in the footer), and articles are leaves for the crawler, so a crawl with
    ``max_pages=pages`` audits exactly these.
    """
    base = root / f"s{site.k}"
    has_map, n_cols, n_arts = _layout(pages)
    cols = list(COLUMNS[:n_cols])
    nav = "\n".join(f'<li><a href="{{up}}col/{c}/index.html">{label}</a></li>' for c, label in cols)
    # articles per column, round robin: (path, headline, date, column label)
    per_col: dict[str, list[tuple[str, str, str]]] = {c: [] for c, _ in cols}
    for i in range(n_arts):
        col, label = cols[i % n_cols]
        n = len(per_col[col])
        headline = f"{site.region}{HEADLINES[(i + site.k) % len(HEADLINES)]}"
        if i >= len(HEADLINES):  # no two articles of a site share a title
            headline += f"（{i // len(HEADLINES) + 1}）"
        path = f"art/{col}_{n + 1}.html"
        day = _date(site.k, i)
        per_col[col].append((path, headline, day))
        photo = (
            '<p><img src="/static/news-photo.png" alt="工作现场" width="480" height="300"></p>'
            if i % 3 == 0
            else ""
        )
        body = f"<p>{PARAGRAPH.format(name=site.name)}</p>" * (2 + i % 5)
        article = f"""<div class="crumb">当前位置：<a href="../index.html">首页</a> &gt; {label}</div>
<article class="article"><h1>{html.escape(headline)}</h1>
<div class="article-info"><span>发布时间：{day} 09:30</span><span>来源：{site.sponsor}</span></div>
<div class="article-body">{photo}{body}</div></article>"""
        metas = {
            "ColumnName": label,
            "ColumnType": label,
            "ArticleTitle": headline,
            "PubDate": f"{day} 09:30",
            "ContentSource": site.sponsor,
        }
        out = base / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            _gov_page(
                site,
                "../",
                f"{headline}_{site.name}",
                metas,
                article,
                nav.format(up="../"),
                has_map,
            ),
            encoding="utf-8",
        )
    boxes = []
    for col, label in cols:
        items = "\n".join(
            f'<li><a href="../../{p}" title="{html.escape(h)}">{html.escape(h)}</a>'
            f'<span class="date">{d}</span></li>'
            for p, h, d in per_col[col]
        )
        main = f"""<div class="crumb">当前位置：<a href="../../index.html">首页</a> &gt; {label}</div>
<section class="box"><div class="box-title"><h2>{label}</h2></div>
<ul class="list">
{items}
</ul><div class="pager">共{len(per_col[col])}条 第1页</div></section>"""
        out = base / "col" / col / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            _gov_page(
                site,
                "../../",
                f"{label}_{site.name}",
                {
                    "ColumnName": label,
                    "ColumnDescription": f"{site.name}{label}栏目",
                    "ColumnKeywords": f"{label},{site.region}",
                    "ColumnType": label,
                },
                main,
                nav.format(up="../../"),
                has_map,
            ),
            encoding="utf-8",
        )
        home_items = "\n".join(
            f'<li><a href="{p}">{html.escape(h)}</a><span class="date">{d}</span></li>'
            for p, h, d in per_col[col]
        )
        boxes.append(
            f'<section class="box"><div class="box-title"><h2>{label}</h2>'
            f'<a href="col/{col}/index.html">更多&gt;&gt;</a></div>'
            f'<ul class="list">\n{home_items}\n</ul></section>'
        )
    qr = f"""<section class="box"><div class="box-title"><h2>政务新媒体</h2></div>
<ul class="qr-list"><li><img src="/static/{QR_FILE}" alt="{site.name}发布微信公众号二维码" width="116" height="116"><p>微信公众号</p></li></ul></section>"""
    main = f"""<div class="banner">优化营商环境 · 建设幸福{site.region}</div>
<div class="row">
  <div class="box photo"><img src="/static/news-photo.png" alt="{site.region}工作现场" width="480" height="300"></div>
  {boxes[0] if boxes else ""}
</div>
{chr(10).join(boxes[1:])}
{qr}"""
    base.mkdir(parents=True, exist_ok=True)
    (base / "index.html").write_text(
        _gov_page(site, "", site.name, {}, main, nav.format(up=""), has_map), encoding="utf-8"
    )
    paths = ["index.html", *(f"col/{c}/index.html" for c, _ in cols)]
    if has_map:
        links = "\n".join(f'<li><a href="col/{c}/index.html">{label}</a></li>' for c, label in cols)
        main = f"""<div class="crumb">当前位置：<a href="index.html">首页</a> &gt; 网站地图</div>
<section class="box"><div class="box-title"><h2>网站地图</h2></div>
<ul class="list"><li><a href="index.html">首页</a></li>
{links}
</ul></section>"""
        metas = {
            "ColumnName": "网站地图",
            "ColumnDescription": f"{site.name}网站地图",
            "ColumnKeywords": "网站地图",
            "ColumnType": "网站地图",
        }
        (base / "sitemap.html").write_text(
            _gov_page(site, "", f"网站地图_{site.name}", metas, main, nav.format(up=""), True),
            encoding="utf-8",
        )
        paths.append("sitemap.html")
    return paths + [p for c, _ in cols for p, _, _ in per_col[c]]


def generate(root: Path, n_sites: int, pages: int) -> list[tuple[Site, list[str]]]:
    (root / "static" / "qr").mkdir(parents=True, exist_ok=True)
    for name in (*STATIC_FILES, QR_FILE):
        shutil.copy2(SITE_ROOT / "static" / name, root / "static" / name)
    sites = [make_site(k) for k in range(1, n_sites + 1)]
    return [(site, write_site(root, site, pages)) for site in sites]


# -- a workload: what every configuration renders ----------------------------------------------------


@dataclass
class Workload:
    name: str
    specs: list[SiteSpec]  # what the engine is given
    urls: list[list[str]]  # per site, home first: what the floors render
    max_pages: int

    @property
    def n_pages(self) -> int:
        return sum(len(u) for u in self.urls)


@dataclass
class Measure:
    label: str
    walls: list[float] = field(default_factory=list)
    pages: int = 0
    failed: int = 0  # floor pages whose goto/screenshot raised
    runs: list[RunResult] = field(default_factory=list)  # engine configs only
    out_dir: Path | None = None  # the last engine run's output

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")


# -- the floors ---------------------------------------------------------------------------------------


async def _context(browser: Browser) -> Any:
    """A bare context with the engine's viewport and device scale (same screenshot sizes)."""
    return await browser.new_context(
        viewport={"width": 1366, "height": 768},
        device_scale_factor=1,
        locale="zh-CN",
        ignore_https_errors=True,
    )


async def _shoot(page: Page, url: str, shot: Path) -> bool:
    try:
        await page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        await page.screenshot(path=shot, full_page=True, timeout=TIMEOUT_MS)
        return True
    except Exception:  # a page the floor cannot load is reported, not fatal
        return False


async def floor(
    work: Workload, shots: Path, browser_path: str | None, concurrency: int, per_host: int
) -> tuple[int, int]:
    """Bare Playwright at the engine's concurrency: returns (pages, failed)."""
    slots = asyncio.Semaphore(concurrency)  # pages at once, over all sites
    open_sites = asyncio.Semaphore(concurrency)  # contexts at once (Renderer._sites)
    failed = 0
    async with async_playwright() as pw:
        browser = await launch(pw, browser_path, test_mode=True)

        async def site(i: int, urls: list[str]) -> None:
            nonlocal failed
            host = asyncio.Semaphore(per_host)  # each site is its own origin
            async with open_sites:
                ctx = await _context(browser)
                free: list[Page] = []

                async def one(j: int, url: str) -> None:
                    nonlocal failed
                    async with host, slots:
                        page = free.pop() if free else await ctx.new_page()
                        try:
                            if not await _shoot(page, url, shots / f"s{i:03d}-p{j:02d}.png"):
                                failed += 1
                        finally:
                            free.append(page)

                await one(0, urls[0])
                await asyncio.gather(*(one(j, u) for j, u in enumerate(urls[1:], 1)))
                await ctx.close()

        await asyncio.gather(*(site(i, urls) for i, urls in enumerate(work.urls)))
        await browser.close()
    return work.n_pages, failed


async def floor_seq(work: Workload, shots: Path, browser_path: str | None) -> tuple[int, int]:
    """One context, one tab, every page of every site in turn."""
    failed = 0
    async with async_playwright() as pw:
        browser = await launch(pw, browser_path, test_mode=True)
        ctx = await _context(browser)
        page = await ctx.new_page()
        for i, urls in enumerate(work.urls):
            for j, url in enumerate(urls):
                failed += not await _shoot(page, url, shots / f"seq-s{i:03d}-p{j:02d}.png")
        await browser.close()
    return work.n_pages, failed


# -- the engine ---------------------------------------------------------------------------------------


async def engine(
    work: Workload,
    out_dir: Path,
    browser_path: str | None,
    concurrency: int | None,
    *,
    skip: frozenset[str],
) -> RunResult:
    extra: dict[str, Any] = {"concurrency": concurrency, "per_host": concurrency}
    options = AuditOptions(
        out_dir=out_dir,
        max_pages=work.max_pages,
        test_mode=True,
        skip=skip,
        browser=browser_path,
        **(extra if concurrency else {}),
    )
    return await audit(work.specs, options)


def _pages(run: RunResult) -> list[PageResult]:
    return [p for s in run.sites for p in s.pages]


def _write_results(run: RunResult, out_dir: Path) -> None:
    """results.json as the CLI writes it (untimed), so the disk split includes it."""
    try:
        from auditor.report.json_report import write_json
        from auditor.verdict import load_table, stamp

        table = load_table(None)
        write_json(stamp(run, table), out_dir / "results.json", table)
    except Exception as exc:  # the disk table is then without results.json; say so
        print(f"  (results.json not written: {exc!r})")


# -- one workload, every configuration ---------------------------------------------------------------


async def _timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = await fn()
    return time.perf_counter() - start, value


async def measure(
    work: Workload, tmp: Path, args: argparse.Namespace, concurrency: int, per_host: int
) -> dict[str, Measure]:
    conc_opt = args.concurrency or None
    m = {k: Measure(k) for k in ("floor", "identity", "full", "floor-seq")}
    order = list(m)
    for r in range(args.rounds):
        rot = order[r % len(order) :] + order[: r % len(order)]
        for key in rot:
            run_dir = tmp / f"{work.name}-{key}-{r}"
            run_dir.mkdir(parents=True)
            if key == "floor":
                wall, (n, bad) = await _timed(
                    lambda d=run_dir: floor(work, d, args.browser, concurrency, per_host)
                )
            elif key == "floor-seq":
                wall, (n, bad) = await _timed(lambda d=run_dir: floor_seq(work, d, args.browser))
            else:
                skip = IDENTITY_SKIP if key == "identity" else frozenset()
                wall, run = await _timed(
                    lambda d=run_dir, s=skip: engine(work, d, args.browser, conc_opt, skip=s)
                )
                n, bad = len(_pages(run)), 0
                m[key].runs.append(run)
                _write_results(run, run_dir)
                if m[key].out_dir is not None and not args.keep:
                    shutil.rmtree(m[key].out_dir, ignore_errors=True)
                m[key].out_dir = run_dir
            if key.startswith("floor") and not args.keep:
                shutil.rmtree(run_dir, ignore_errors=True)
            m[key].walls.append(wall)
            m[key].pages, m[key].failed = n, bad
            print(f"  round {r + 1}: {key:<9} {wall:7.2f} s  {n} pages", flush=True)
    return m


# -- printing -----------------------------------------------------------------------------------------


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def print_speed(work: Workload, m: dict[str, Measure], latency_ms: int) -> None:
    base = m["floor"].wall
    print(f"\n{work.name}: speed (median of {len(m['floor'].walls)} round(s))")
    print(f"  {'config':<40} {'wall s':>8} {'pages':>6} {'pages/s':>8} {'÷ floor':>8}")
    labels = {
        "floor": "floor: bare goto+screenshot, concurrent",
        "identity": "identity: engine, identity checks only",
        "full": "full: engine, every gatherer",
        "floor-seq": "floor-seq: 1 context, 1 tab, in turn",
    }
    for key, label in labels.items():
        x = m[key]
        pps = x.pages / x.wall if x.wall else 0.0
        print(f"  {label:<40} {x.wall:8.2f} {x.pages:6d} {pps:8.2f} {x.wall / base:7.2f}×")
    for key in ("floor", "floor-seq"):
        if m[key].failed:
            print(f"  note: {key} could not load {m[key].failed} of {m[key].pages} pages")
    want = {u for urls in work.urls for u in urls}
    for key in ("identity", "full"):
        got = {p.url for run in m[key].runs for p in _pages(run)}
        if got != want:
            print(
                f"  note: {key} audited {m[key].pages} pages, the floors rendered {work.n_pages}; "
                f"{len(got - want)} audited pages not in the floors, {len(want - got)} not audited"
            )
    print(f"  full ÷ floor (wall):     {m['full'].wall / base:.2f}×")
    print(f"  identity ÷ floor (wall): {m['identity'].wall / base:.2f}×")
    seq, full = m["floor-seq"], m["full"]
    if seq.pages and full.pages:
        gain = (full.pages / full.wall) / (seq.pages / seq.wall)
        print(
            f"  full pages/s ÷ floor-seq pages/s at {latency_ms} ms latency: {gain:.2f}× "
            "(target ≥ 2.5× at 300 ms)"
        )


def print_time_goes(work: Workload, m: dict[str, Measure]) -> None:
    for key in ("identity", "full"):
        pages = [p for run in m[key].runs for p in _pages(run)]
        if not pages:
            continue
        wall: dict[str, float] = {}
        cpu: dict[str, float] = {}
        seen: dict[str, int] = {}
        for p in pages:
            for name, t in p.timings.items():
                wall[name] = wall.get(name, 0.0) + t.get("wall_ms", 0.0)
                cpu[name] = cpu.get(name, 0.0) + t.get("cpu_ms", 0.0)
                seen[name] = seen.get(name, 0) + 1
        n = len(pages)
        print(f"\n{work.name}: where time goes ({key}, PageResult.timings over {n} pages)")
        print(
            f"  {'step':<10} {'on pages':>8} {'wall s':>8} {'wall ms/page':>13} "
            f"{'cpu s':>7} {'cpu ms/page':>12}"
        )
        for name in sorted(wall, key=wall.__getitem__, reverse=True):
            print(
                f"  {name:<10} {seen[name]:8d} {wall[name] / 1000:8.2f} {wall[name] / n:13.0f} "
                f"{cpu[name] / 1000:7.2f} {cpu[name] / n:12.0f}"
            )
    print(
        "  (per page = total ÷ all audited pages. render includes a11y (axe runs inside it);\n"
        "   gatherers of a page run side by side and pages overlap, so walls sum past the run's;\n"
        "   gatherer cpu_ms is the whole process's CPU meanwhile, checks/evidence their thread's;\n"
        "   a11y records wall time only.)"
    )


def print_disk(work: Workload, m: dict[str, Measure]) -> None:
    print(f"\n{work.name}: disk per audited page (last run's out_dir, incl. results.json)")
    print(
        f"  {'config':<9} {'screenshots':>12} {'evidence':>10} {'json':>10} {'other':>9} "
        f"{'total':>10}"
    )
    for key in ("identity", "full"):
        out, n = m[key].out_dir, m[key].pages
        if out is None or not n:
            continue
        parts = dict.fromkeys(("shots", "evidence", "json", "other"), 0)
        for f in out.rglob("*"):
            if not f.is_file():
                continue
            rel = f.relative_to(out).parts
            size = f.stat().st_size
            if f.suffix == ".png" and len(rel) == 2:
                parts["shots"] += size  # <site>/pNN.png, pNN-mobile.png, …
            elif f.suffix == ".png" and len(rel) >= 3 and rel[1] == "evidence":
                parts["evidence"] += size
            elif f.suffix == ".json":
                parts["json"] += size
            else:
                parts["other"] += size
        total = sum(parts.values())
        print(
            f"  {key:<9} {_size(parts['shots'] / n):>12} {_size(parts['evidence'] / n):>10} "
            f"{_size(parts['json'] / n):>10} {_size(parts['other'] / n):>9} {_size(total / n):>10}"
        )


def print_projection(m: dict[str, Measure], latency_ms: int, concurrency: int) -> None:
    full = m["full"]
    if not full.pages:
        return
    per_page = full.wall / full.pages
    hours = per_page * PROVINCE_PAGES / 3600
    note = "" if latency_ms == 300 else "  (only meaningful with --latency-ms 300)"
    print(
        f"  projection: 908 sites × 20 pages = {PROVINCE_PAGES} pages × {per_page:.2f} s/page "
        f"(full, {latency_ms} ms latency, concurrency {concurrency}) = {hours:.1f} h{note}"
    )


# -- main -----------------------------------------------------------------------------------------


def corpus_dir() -> Path:
    shared = os.environ.get("AUDITOR_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return root / "corpus" / "real" / "pages"


async def warm_up(browser_path: str | None, url: str) -> str:
    """An untimed launch and page, so the first timed config does not pay for cold caches."""
    async with async_playwright() as pw:
        browser = await launch(pw, browser_path, test_mode=True)
        version = browser.version
        page = await browser.new_page()
        with contextlib.suppress(Exception):
            await page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        await browser.close()
    return version


async def run(args: argparse.Namespace) -> int:
    concurrency = args.concurrency or default_concurrency()
    per_host = args.concurrency or AuditOptions(out_dir=Path(".")).per_host
    tmp = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        with contextlib.ExitStack() as stack:
            www = tmp / "www"
            sites = generate(www, args.sites, args.pages)
            servers = [
                stack.enter_context(DemoServer(www, latency_ms=args.latency_ms)) for _ in sites
            ]
            gen = Workload(
                name=f"A: {args.sites} generated sites × {args.pages} pages",
                specs=[
                    SiteSpec(
                        url=f"{srv.url}s{site.k}/index.html",
                        name=site.name,
                        code=site.code,
                        sponsor=site.sponsor,
                        region=site.region,
                    )
                    for srv, (site, _) in zip(servers, sites, strict=True)
                ],
                urls=[
                    [f"{srv.url}s{site.k}/{p}" for p in paths]
                    for srv, (site, paths) in zip(servers, sites, strict=True)
                ],
                max_pages=args.pages,
            )
            workloads = [gen]
            if args.corpus:
                pages = sorted(corpus_dir().glob("*.html"))
                if not pages:
                    print(f"no corpus pages in {corpus_dir()} (set AUDITOR_SHARED)")
                    return 2
                csrv = [
                    stack.enter_context(DemoServer(p.parent, latency_ms=args.latency_ms))
                    for p in pages
                ]
                urls = [f"{s.url}{p.name}" for s, p in zip(csrv, pages, strict=True)]
                workloads.append(
                    Workload(
                        name=f"B: {len(pages)} corpus pages, one-page sites",
                        specs=[SiteSpec(url=u) for u in urls],
                        urls=[[u] for u in urls],
                        max_pages=1,
                    )
                )
            version = await warm_up(args.browser, gen.urls[0][0])
            print(
                f"bench_speed: latency {args.latency_ms} ms, concurrency {concurrency} "
                f"(per host {per_host}), {args.rounds} round(s), order per round: "
                f"floor, identity, full, floor-seq{' (rotated each round)' if args.rounds > 1 else ''}; "
                f"browser {args.browser or os.environ.get('AUDITOR_BROWSER') or 'auto'} "
                f"({version}), {os.cpu_count()} CPUs",
                flush=True,
            )
            for work in workloads:
                print(f"\n{work.name}: {work.n_pages} pages", flush=True)
                m = await measure(work, tmp, args, concurrency, per_host)
                print_speed(work, m, args.latency_ms)
                print_time_goes(work, m)
                print_disk(work, m)
                if work is gen:
                    print_projection(m, args.latency_ms, concurrency)
        if args.keep:
            print(f"\nkept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Where the audit's time goes: bare Playwright vs the engine, one run."
    )
    parser.add_argument("--sites", type=int, default=4, help="generated sites (4)")
    parser.add_argument("--pages", type=int, default=20, help="pages per generated site (20)")
    parser.add_argument(
        "--corpus", action="store_true", help="also the 35 real pages of shared/corpus"
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="delay per response (0)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="pages at once for floor and engine (sets per_host too); default: the engine's",
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat, rotating the order (1)")
    parser.add_argument("--quick", action="store_true", help="2 sites × 5 pages, no corpus")
    parser.add_argument("--browser", default=None, help="Chromium (default: $AUDITOR_BROWSER)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites, args.pages, args.corpus = 2, 5, False
    if args.sites < 1 or args.pages < 1 or args.rounds < 1:
        parser.error("--sites, --pages and --rounds must be at least 1")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
