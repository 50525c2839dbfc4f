"""How much does the auditor cost over bare Playwright? Times three ways to render the same pages.

On N generated gov-style article pages served from 127.0.0.1 (plus the home page that links them):

(a) bare sequential loop: one browser, one page, ``goto`` + full-page screenshot per URL;
(b) bare concurrent: the same work in one context per URL, as many at a time as the auditor uses;
(c) the auditor's own engine (``auditor.engine.audit``), which also extracts artifacts, runs every
    check and draws evidence, crawling from the home page.

Prints pages/second and the ratios. A measurement, not a test: nothing here asserts a timing.
Usage: ``python benchmarks/bench_render.py [--pages 24] [--latency-ms 0] [--concurrency N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import html
import inspect
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Playwright, async_playwright

from auditor.demo.server import SITE_ROOT, DemoServer

# Never let the benchmark browser resolve anything but the local server (project rule).
CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}  # the auditor's default desktop viewport
DEFAULT_CONCURRENCY = 3

SITE_NAME = "示例市人民政府"
PARAGRAPHS = [
    "近日，示例市召开专题会议，研究部署今冬明春重点工作。会议强调，要坚持以人民为中心的发展思想，"
    "把群众的操心事、烦心事、揪心事作为工作的出发点和落脚点，切实抓好各项任务落实。",
    "会议指出，今年以来，全市上下认真贯彻落实各项决策部署，经济运行总体平稳、稳中有进，"
    "民生保障持续加强，社会大局和谐稳定，为完成全年目标任务打下了坚实基础。",
    "会议要求，各级各部门要进一步压实责任，细化工作措施，加强统筹协调，形成工作合力，"
    "确保各项工作有序推进、落地见效。要强化督促检查，对工作推进不力的严肃问责。",
    "会议强调，要统筹发展和安全，扎实做好安全生产、防灾减灾、疫病防控等工作，"
    "加强应急值守，妥善处置各类突发事件，切实维护人民群众生命财产安全。",
    "市直有关部门主要负责同志，各区县人民政府分管负责同志参加会议。",
]


# -- the generated site ---------------------------------------------------------------------------


def _footer(prefix: str) -> str:
    """The demo site's compliant footer, minus site-internal links (so crawls stay on the N pages)."""
    return f"""<footer class="footer" id="footer">
  <div class="wrap">
    <span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=0AC8833E8BF70EE9E053012819AC7074"><img id="imgConac" src="{prefix}static/red.png" alt="党政机关网站标识"></a></span>
    <div class="footer-text">
      <p><span class="item">主办单位：示例市人民政府办公室</span>
        <span class="item">网站标识码：3701000001</span></p>
      <p><span class="item">地址：示例市人民路1号 电话：0531-12345678</span></p>
      <p><span class="item"><a href="https://beian.miit.gov.cn/">鲁ICP备05001234号-1</a></span>
        <span class="item"><a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=37010202000123"><img src="{prefix}static/police.png" alt="" width="20" height="20">鲁公网安备 37010202000123号</a></span></p>
    </div>
    <a id="jiucuo" href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3701000001&amp;url=http%3A%2F%2F127.0.0.1%2F"><img src="{prefix}static/jiucuo.png" alt="政府网站找错"></a>
  </div>
</footer>"""  # one line per footer item, as real CMS output is


def _page(prefix: str, title: str, metas: dict[str, str], main: str) -> str:
    meta_lines = "\n".join(
        f'<meta name="{name}" content="{html.escape(value)}">' for name, value in metas.items()
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteDomain" content="127.0.0.1">
<meta name="SiteIDCode" content="3701000001">
{meta_lines}
<link rel="stylesheet" href="{prefix}static/style.css">
</head>
<body>
<header class="header" id="header">
  <div class="wrap">
    <a class="brand" href="{prefix or "./"}"><img src="{prefix}static/logo.png" alt="{SITE_NAME}"
      width="72" height="72"><span class="brand-name">{SITE_NAME}</span></a>
  </div>
</header>
<nav class="nav"><div class="wrap"><ul><li><a href="{prefix or "./"}">首页</a></li></ul></div></nav>
<main class="main"><div class="wrap">
{main}
</div></main>
{_footer(prefix)}
</body>
</html>
"""


def _article_title(i: int) -> str:
    return f"示例市第{i}期重点工作推进情况通报（2026年11月）"


def generate_site(root: Path, n: int) -> list[str]:
    """Write a home page linking ``n`` article pages under ``root``; return all paths, home first."""
    shutil.copytree(SITE_ROOT / "static", root / "static")
    paths = [f"art/2026/11/art_{2000 + i}.html" for i in range(1, n + 1)]
    for i, path in enumerate(paths, 1):
        day = 1 + (i % 26)
        title = _article_title(i)
        body = "\n".join(
            f"<p>{PARAGRAPHS[(i + k) % len(PARAGRAPHS)]}</p>" for k in range(4 + i % 9)
        )
        main = f"""<article class="article">
  <h1>{title}</h1>
  <div class="article-info">
    <span>发布时间：2026-11-{day:02d} 09:{i % 60:02d}</span>
    <span>来源：示例市人民政府办公室</span>
  </div>
  <div class="article-body">
{body}
  </div>
</article>"""
        metas = {
            "ColumnName": "要闻动态",
            "ColumnType": "工作动态",
            "ArticleTitle": title,
            "PubDate": f"2026-11-{day:02d} 09:{i % 60:02d}",
            "ContentSource": "示例市人民政府办公室",
        }
        out = root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_page("../../../", title, metas, main), encoding="utf-8")
    items = "\n".join(
        f'<li><a href="{path}">{_article_title(i)}</a><span class="date">2026-11-{1 + i % 26:02d}'
        "</span></li>"
        for i, path in enumerate(paths, 1)
    )
    home = f"""<section class="box">
  <div class="box-title"><h2>要闻动态</h2></div>
  <ul class="list">
{items}
  </ul>
</section>"""
    (root / "index.html").write_text(_page("", SITE_NAME, {}, home), encoding="utf-8")
    return ["", *paths]


# -- the three ways to render ----------------------------------------------------------------------


async def _launch(pw: Playwright, executable: str) -> Browser:
    return await pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


async def bare_sequential(urls: list[str], shots: Path, executable: str) -> int:
    """(a) One browser, one page, one URL after another."""
    async with async_playwright() as pw:
        browser = await _launch(pw, executable)
        page = await browser.new_page(viewport=VIEWPORT)
        for i, url in enumerate(urls):
            await page.goto(url)
            await page.screenshot(path=shots / f"seq-{i:03d}.png", full_page=True)
        await browser.close()
    return len(urls)


async def bare_concurrent(urls: list[str], shots: Path, executable: str, concurrency: int) -> int:
    """(b) One context per URL, ``concurrency`` at a time (asyncio.gather + a semaphore)."""
    gate = asyncio.Semaphore(concurrency)
    async with async_playwright() as pw:
        browser = await _launch(pw, executable)

        async def one(i: int, url: str) -> None:
            async with gate:
                ctx = await browser.new_context(viewport=VIEWPORT)
                try:
                    page = await ctx.new_page()
                    await page.goto(url)
                    await page.screenshot(path=shots / f"par-{i:03d}.png", full_page=True)
                finally:
                    await ctx.close()

        await asyncio.gather(*(one(i, url) for i, url in enumerate(urls)))
        await browser.close()
    return len(urls)


def _engine() -> tuple[Any, Any, Any] | None:
    """The auditor's engine, imported lazily: it may not exist yet while the project is built."""
    try:
        from auditor.engine import AuditOptions, audit
        from auditor.model import SiteSpec
    except ImportError as err:
        print(f"auditor engine not available ({err})")
        return None
    return AuditOptions, audit, SiteSpec


def _options(options_cls: Any, **wanted: Any) -> Any:
    """Build AuditOptions from the fields it has today (its signature is still moving)."""
    if dataclasses.is_dataclass(options_cls):
        names = {f.name for f in dataclasses.fields(options_cls)}
        wanted = {k: v for k, v in wanted.items() if k in names or k == "out_dir"}
    return options_cls(**wanted)


def engine_concurrency() -> int:
    """How many pages of one site the auditor renders at once: its pool, capped by per-host."""
    try:
        from auditor import engine

        opts = _options(engine.AuditOptions, out_dir=Path(tempfile.gettempdir()))
        pool = getattr(opts, "concurrency", 0) or engine.default_concurrency()
        return int(min(pool, getattr(opts, "per_host", 0) or pool))
    except Exception:  # any failure just means "use the documented default"
        return DEFAULT_CONCURRENCY


# The identity checks only (site name, footer, meta tags): no axe, phone render, link or QR
# checks, probes.
CORE_ONLY = {"skip": frozenset({"phone", "elderly", "links", "qr", "probes"})}


async def auditor_engine(
    home: str,
    n_pages: int,
    out_dir: Path,
    executable: str,
    concurrency: int | None,
    *,
    full: bool,
) -> int | None:
    """(c)/(d) ``auditor.engine.audit`` on the home page, crawling up to ``n_pages`` pages."""
    found = _engine()
    if found is None:
        return None
    options_cls, audit, site_spec = found
    extra: dict[str, Any] = {"browser": executable}
    if not full:
        from auditor.gather.render import RenderSettings

        extra |= CORE_ONLY | {"settings": RenderSettings(axe=False)}
    if concurrency:
        extra |= {"concurrency": concurrency, "per_host": concurrency}
    options = _options(options_cls, out_dir=out_dir, max_pages=n_pages, test_mode=True, **extra)
    result = audit([site_spec(url=home)], options)
    if inspect.isawaitable(result):
        result = await result
    sites = getattr(result, "sites", None) or []
    return sum(len(getattr(site, "pages", [])) for site in sites) or None


async def timed(fn: Callable[[], Awaitable[int | None]]) -> tuple[float, int | None]:
    start = time.perf_counter()
    pages = await fn()
    return time.perf_counter() - start, pages


# -- main -----------------------------------------------------------------------------------------


def _row(label: str, seconds: float, pages: int, extra: str = "") -> None:
    print(f"  {label:<38} {seconds:7.2f} s {pages / seconds:7.2f} pages/s{extra}")


async def run(args: argparse.Namespace) -> int:
    executable = os.environ.get("AUDITOR_BROWSER") or "/usr/bin/chromium"
    concurrency = args.concurrency or engine_concurrency()
    work = Path(tempfile.mkdtemp(prefix="bench_render-"))
    try:
        site_root, shots = work / "site", work / "shots"
        site_root.mkdir()
        shots.mkdir()
        paths = generate_site(site_root, args.pages)
        with DemoServer(site_root, latency_ms=args.latency_ms) as server:
            urls = [server.url + p for p in paths]
            print(
                f"bench_render: {len(urls)} pages (home + {args.pages} articles), "
                f"latency {args.latency_ms} ms, concurrency {concurrency}, browser {executable}"
            )
            t_seq, _ = await timed(lambda: bare_sequential(urls, shots, executable))
            t_par, _ = await timed(lambda: bare_concurrent(urls, shots, executable, concurrency))
            t_aud, n_aud = await timed(
                lambda: auditor_engine(
                    server.url, len(urls), work / "audit", executable, args.concurrency, full=False
                )
            )
            t_full, n_full = await timed(
                lambda: auditor_engine(
                    server.url, len(urls), work / "full", executable, args.concurrency, full=True
                )
            )
        n = len(urls)
        _row("(a) bare sequential loop", t_seq, n)
        _row(f"(b) bare concurrent, {concurrency} at a time", t_par, n)
        if n_aud is None:
            print("  (c) auditor engine: skipped")
        else:
            _row("(c) auditor, identity checks", t_aud, n_aud, f"  ({n_aud} pages audited)")
            if n_full:
                _row(
                    "(d) auditor, every check", t_full, n_full, "  (+axe, phone, links, QR, probes)"
                )
            if n_aud != n:
                print(f"      note: the auditor audited {n_aud} pages, the bare loops {n}")
            print(f"auditor (identity) vs bare sequential loop: {t_aud / t_seq:.2f}×")
            print(f"auditor (identity) vs bare concurrent:      {t_aud / t_par:.2f}×")
            print(f"auditor (every check) vs bare sequential:   {t_full / t_seq:.2f}×")
        print(f"bare concurrent vs bare sequential loop: {t_par / t_seq:.2f}×")
        if args.keep:
            print(f"kept {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=24, help="article pages to generate (24)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay per response (0)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="pages at a time for (b) and (c); default: what the auditor uses on one site",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (pages, PNGs)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
