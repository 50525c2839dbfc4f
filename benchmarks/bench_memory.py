"""Peak memory of a whole audit run: the auditor process and every process it starts, as PSS.

The promise: a province-wide run (hundreds of sites, a few pages each) stays under 2 GB of memory
on a 2-core / 24 GB machine. Memory there is the auditor's Python process plus Playwright's Node
driver plus Chromium, which is a browser process, a GPU process, utility processes, a zygote and
one renderer per open tab or site. A run never holds every site at once (the renderer's pool caps
the pages in flight), so the peak is set by that pool, not by the length of the list; this
benchmark checks that on a list long enough to reach the steady state.

Why PSS (proportional set size) and not RSS: Chromium's processes share much of their memory
(the binary, fonts, ICU data, the zygote's pre-forked heap). Summing RSS counts each shared page
once per process and can overstate the total several times over; summing PSS charges each page
to its processes in proportion, so the sum is the memory the run actually holds.

What it does:

1. generates N sites into a temp dir: site k at ``/s<k>/index.html`` linking to column pages
   ``/s<k>/col/a/index.html``, ``/s<k>/col/b/index.html`` … (gov-style header, dated news
   lists, a footer with 主办单位/网站标识码/ICP备, images as small files and as ``data:`` URIs);
   the column pages list article pages that exist but are beyond the page budget;
2. serves the dir with ``auditor.demo.server.DemoServer`` on 127.0.0.1, one server (port) per
   site by default, so each site is its own origin as in a real province list and the per-host
   politeness limit does not throttle the run below the renderer's pool (``--one-origin`` serves
   every site from one port instead);
3. writes a sites CSV and runs the real CLI as a subprocess: ``python -m auditor.cli audit
   --sites CSV --out OUT --max-pages P --local-only --fail-on none [--skip …]``;
4. every ~0.2 s sums ``Pss:`` from ``/proc/<pid>/smaps_rollup`` over the subprocess and all its
   descendants (found by walking the ppid field of ``/proc/*/stat``; processes that vanish between
   listing and reading are ignored) and keeps the peak of that sum and the peak process count.

Prints the numbers and one summary line, e.g.
``peak PSS 1234 MB for 30 sites × 3 pages (limit 2048 MB)``. A measurement, not a test: nothing
is asserted; the exit code is the CLI's. Linux only (``/proc``).

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_memory.py                  # 30 sites × 3 pages
    PYTHONPATH=. .venv/bin/python benchmarks/bench_memory.py --sites 4 --keep
    PYTHONPATH=. .venv/bin/python benchmarks/bench_memory.py --skip a11y,links

The browser is ``$AUDITOR_BROWSER``, or ``/usr/bin/chromium`` if that is unset and exists.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import auditor
from auditor.demo.server import SITE_ROOT, DemoServer

LIMIT_MB = 2048  # the promise: a province-wide run stays under 2 GB
SAMPLE_INTERVAL_S = 0.2
DEFAULT_BROWSER = "/usr/bin/chromium"
STATIC_FILES = ("style.css", "logo.png", "red.png", "police.png", "jiucuo.png", "news-photo.png")

# -- the generated sites ----------------------------------------------------------------------------

PLACES = ("东城", "西城", "南湖", "北山", "青石", "白云", "金沙", "银河", "长宁", "安平")
KINDS = ("区", "县", "市")
COLUMNS = (
    ("a", "要闻动态"),
    ("b", "通知公告"),
    ("c", "政策文件"),
    ("d", "政务公开"),
    ("e", "部门动态"),
    ("f", "基层动态"),
    ("g", "专题专栏"),
    ("h", "公示公告"),
)
HEADLINES = (
    "召开常务会议研究部署今冬明春重点工作",
    "举办优化营商环境政策宣讲会",
    "开展安全生产大检查专项行动",
    "“暖冬行动”志愿服务活动启动",
    "召开重点项目建设推进会",
    "发布关于做好冬季供暖保障工作的通知",
    "举办乡村振兴特色产品展销会",
    "开展防范非法集资宣传月活动",
    "召开民生实事项目进展情况通报会",
    "部署森林防火和冬季安全生产工作",
    "公布2026年度政府信息公开工作年度报告",
    "开展“我为群众办实事”走访调研",
)
PARAGRAPH = (
    "近日，{name}召开专题会议，研究部署相关工作。会议强调，要坚持以人民为中心的发展思想，"
    "把群众的操心事、烦心事、揪心事作为工作的出发点和落脚点，切实抓好各项任务落实。"
)
ITEMS_PER_COLUMN = 15


@dataclass(frozen=True)
class Site:
    k: int
    name: str
    code: str
    sponsor: str
    region: str
    icp: str


def make_site(k: int) -> Site:
    place = PLACES[(k - 1) % len(PLACES)]
    kind = KINDS[((k - 1) // len(PLACES)) % len(KINDS)]
    round_ = (k - 1) // (len(PLACES) * len(KINDS))
    region = f"{place}{kind}" + (f"{round_ + 1}" if round_ else "")
    name = f"{region}人民政府"
    return Site(
        k=k,
        name=name,
        code=f"3799{k:06d}",
        sponsor=f"{name}办公室",
        region=f"示例省{region}",
        icp=f"鲁ICP备0500{k:04d}号-1",
    )


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _page(site: Site, up: str, title: str, metas: dict[str, str], main: str, cols: str) -> str:
    """A gov-style page; ``up`` leads from the page's folder to the site's folder."""
    meta_lines = "\n".join(
        f'<meta name="{n}" content="{html.escape(v)}">' for n, v in metas.items()
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<meta name="SiteName" content="{site.name}">
<meta name="SiteDomain" content="127.0.0.1">
<meta name="SiteIDCode" content="{site.code}">
{meta_lines}
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<div class="topbar"><div class="wrap"><span>欢迎访问{site.name}门户网站</span></div></div>
<header class="header" id="header">
  <div class="wrap">
    <a class="brand" href="{up}index.html" title="{site.name}">
      <img src="/static/logo.png" alt="{site.name}" width="72" height="72">
      <span><span class="brand-name">{site.name}</span></span>
    </a>
    <form class="search" role="search" action="/search" method="get">
      <input type="text" name="q" placeholder="请输入关键词" aria-label="站内搜索">
      <button type="submit">搜索</button>
    </form>
  </div>
</header>
<nav class="nav"><div class="wrap"><ul>
<li><a href="{up}index.html">首页</a></li>
{cols}
</ul></div></nav>
<main class="main"><div class="wrap">
{main}
</div></main>
<footer class="footer" id="footer">
  <div class="wrap">
    <span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=0AC8833E8BF70EE9E053012819AC{site.k:04d}"><img id="imgConac" src="/static/red.png" alt="党政机关网站标识"></a></span>
    <div class="footer-text">
      <p><span class="item">主办单位：{site.sponsor}</span>
        <span class="item">网站标识码：{site.code}</span></p>
      <p><span class="item">地址：{site.region}人民路{site.k}号 电话：0531-8{site.k:07d}</span></p>
      <p><span class="item"><a href="https://beian.miit.gov.cn/">{site.icp}</a></span>
        <span class="item"><a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=3701020200{site.k:04d}"><img src="/static/police.png" alt="" width="20" height="20">鲁公网安备 3701020200{site.k:04d}号</a></span></p>
    </div>
    <a id="jiucuo" href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={site.code}"><img src="/static/jiucuo.png" alt="政府网站找错"></a>
  </div>
</footer>
</body>
</html>
"""


def _date(k: int, i: int) -> str:
    return f"2026-{11 - (i // 20):02d}-{28 - (i * 3 + k) % 27:02d}"


def write_site(root: Path, site: Site, columns: list[tuple[str, str]], icon: str) -> None:
    """Home plus one page per column; each column lists article pages (leaves, not audited)."""
    base = root / f"s{site.k}"
    nav = "\n".join(
        f'<li><a href="{{up}}col/{c}/index.html">{label}</a></li>' for c, label in columns
    )
    for n, (col, label) in enumerate(columns):
        items = []
        for i in range(ITEMS_PER_COLUMN):
            headline = f"{site.region}{HEADLINES[(i + n + site.k) % len(HEADLINES)]}"
            art = f"art/{col}_{i + 1}.html"
            items.append(
                f'<li><img src="{icon}" alt="" width="8" height="8">'
                f'<a href="../../{art}" title="{headline}">{headline}</a>'
                f'<span class="date">{_date(site.k, i)}</span></li>'
            )
            body = f"<p>{PARAGRAPH.format(name=site.name)}</p>" * (2 + i % 4)
            article = f"""<article class="article"><h1>{headline}</h1>
<div class="article-info"><span>发布时间：{_date(site.k, i)} 09:30</span>
<span>来源：{site.sponsor}</span></div>
<div class="article-body">{body}</div></article>"""
            metas = {
                "ColumnName": label,
                "ArticleTitle": headline,
                "PubDate": f"{_date(site.k, i)} 09:30",
                "ContentSource": site.sponsor,
            }
            out = base / art
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(
                _page(site, "../", headline, metas, article, nav.format(up="../")),
                encoding="utf-8",
            )
        main = f"""<div class="crumb">当前位置：<a href="../../index.html">首页</a> &gt; {label}</div>
<section class="box">
  <div class="box-title"><h2>{label}</h2></div>
  <ul class="list">
{chr(10).join(items)}
  </ul>
  <div class="pager">共{ITEMS_PER_COLUMN}条 第1页</div>
</section>"""
        out = base / "col" / col / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            _page(
                site,
                "../../",
                f"{label}_{site.name}",
                {"ColumnName": label, "ColumnType": label},
                main,
                nav.format(up="../../"),
            ),
            encoding="utf-8",
        )
    # The home page's news boxes link only to the columns (fragments), so with a page budget of
    # 1 + len(columns) the crawler audits exactly home + every column.
    boxes = []
    for n, (col, label) in enumerate(columns):
        lis = "\n".join(
            f'<li><a href="col/{col}/index.html#n{i}">'
            f"{site.region}{HEADLINES[(i + n + site.k) % len(HEADLINES)]}</a>"
            f'<span class="date">{_date(site.k, i)}</span></li>'
            for i in range(6)
        )
        boxes.append(
            f'<section class="box"><div class="box-title"><h2>{label}</h2>'
            f'<a href="col/{col}/index.html">更多&gt;&gt;</a></div>'
            f'<ul class="list">\n{lis}\n</ul></section>'
        )
    main = f"""<div class="banner">优化营商环境 · 建设幸福{site.region}</div>
<div class="row">
  <div class="box photo"><img src="/static/news-photo.png" alt="{site.region}工作现场" width="480" height="300"></div>
  {boxes[0] if boxes else ""}
</div>
{chr(10).join(boxes[1:])}"""
    base.mkdir(parents=True, exist_ok=True)
    (base / "index.html").write_text(
        _page(site, "", site.name, {}, main, nav.format(up="")), encoding="utf-8"
    )


def generate(root: Path, n_sites: int, pages: int) -> list[Site]:
    """Write ``n_sites`` sites of ``pages`` audited pages each (home + pages-1 columns)."""
    n_cols = pages - 1
    if n_cols > len(COLUMNS):
        raise SystemExit(f"--pages at most {len(COLUMNS) + 1}")
    (root / "static").mkdir(parents=True, exist_ok=True)
    for name in STATIC_FILES:
        shutil.copy2(SITE_ROOT / "static" / name, root / "static" / name)
    icon = _data_uri(SITE_ROOT / "static" / "police.png")
    sites = [make_site(k) for k in range(1, n_sites + 1)]
    for site in sites:
        write_site(root, site, list(COLUMNS[:n_cols]), icon)
    return sites


def write_csv(path: Path, sites: list[Site], urls: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["网站名称", "网站标识码", "首页网址", "主办单位", "地区"])
        for site, url in zip(sites, urls, strict=True):
            w.writerow([site.name, site.code, url, site.sponsor, site.region])


# -- the process tree's memory ----------------------------------------------------------------------


def _ppids() -> dict[int, int]:
    """pid → ppid for every process we can see."""
    out: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # gone already
        # The command name may hold spaces and ")": the fields after the last ")" are fixed.
        fields = stat.rpartition(b")")[2].split()
        if len(fields) > 1:
            out[int(entry.name)] = int(fields[1])
    return out


def tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _ppids().items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def pss_kb(pid: int) -> int | None:
    """``Pss:`` of ``pid`` in kB; None if it vanished. PermissionError propagates."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise
        return None  # ESRCH and friends while the process exits
    return None


def kind(pid: int) -> str:
    """What a process is, from its command line: python, node driver, or a Chromium type."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read().decode("utf-8", "replace")
    except OSError:
        return "(gone)"
    # Chromium rewrites its children's command lines into one space-separated string.
    argv = raw.replace("\0", " ").split()
    if not argv:
        return "(starting or exiting)"
    opts = dict(a.removeprefix("--").partition("=")[::2] for a in argv if a.startswith("--"))
    if "type" in opts:
        name = "chromium " + opts["type"]
        if "utility-sub-type" in opts:
            name += " " + opts["utility-sub-type"].split(".")[-1]
        if "top-chrome-webui" in opts:
            name += " (top-chrome-webui)"
        return name
    exe = os.path.basename(argv[0])
    if "python" in exe:
        return "auditor (python)"
    if exe == "node":
        return "playwright driver (node)"
    if "chrom" in exe or "headless_shell" in exe:
        return "chromium browser"
    return exe


@dataclass
class Sampler:
    root: int
    samples: int = 0
    peak_kb: int = 0
    peak_at_s: float = 0.0
    peak_procs: int = 0
    unreadable: set[int] = field(default_factory=set)
    at_peak: list[tuple[str, int]] = field(default_factory=list)  # (kind, kB) per process

    def sample(self, elapsed_s: float) -> None:
        per_pid: dict[int, int] = {}
        for pid in tree(self.root):
            try:
                kb = pss_kb(pid)
            except PermissionError:
                self.unreadable.add(pid)
                continue
            if kb is not None:
                per_pid[pid] = kb
        self.samples += 1
        self.peak_procs = max(self.peak_procs, len(per_pid))
        total = sum(per_pid.values())
        if total > self.peak_kb:
            self.peak_kb, self.peak_at_s = total, elapsed_s
            self.at_peak = [(kind(pid), kb) for pid, kb in per_pid.items()]


# -- the run ----------------------------------------------------------------------------------------


def _count_pages(results: Path) -> tuple[int, int, int] | None:
    """(sites, pages, sites unfinished or failed) in results.json; None if missing or odd."""
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
        sites = data["sites"]
        pages = sum(len(s.get("pages", [])) for s in sites)
        bad = sum(1 for s in sites if s.get("unfinished") or s.get("error"))
        return len(sites), pages, bad
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _tail(path: Path, n: int = 25) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in lines[-n:])


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if not env.get("AUDITOR_BROWSER") and Path(DEFAULT_BROWSER).is_file():
        env["AUDITOR_BROWSER"] = DEFAULT_BROWSER
    # The subprocess imports the same auditor package as this script.
    pkg_root = str(Path(auditor.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pkg_root, env.get("PYTHONPATH", "")) if p)

    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    www, out, log = work / "www", work / "out", work / "audit.log"
    sites = generate(www, args.sites, args.pages)
    n_servers = 1 if args.one_origin else len(sites)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(DemoServer(root=www)) for _ in range(n_servers)]
        urls = [f"{servers[i % n_servers].url}s{s.k}/index.html" for i, s in enumerate(sites)]
        sites_csv = work / "sites.csv"
        write_csv(sites_csv, sites, urls)
        cmd = [
            sys.executable,
            "-m",
            "auditor.cli",
            "audit",
            "--sites",
            str(sites_csv),
            "--out",
            str(out),
            "--max-pages",
            str(args.pages),
            "--local-only",
            "--fail-on",
            "none",
        ]
        if args.skip:
            cmd += ["--skip", args.skip]
        origins = "one origin" if args.one_origin else f"{n_servers} origins"
        print(
            f"bench_memory: {len(sites)} sites × {args.pages} pages, {origins} on 127.0.0.1, "
            f"skip: {args.skip or 'none'}, browser {env.get('AUDITOR_BROWSER') or '(auditor default)'}",
            flush=True,
        )
        start = time.monotonic()
        with log.open("wb") as log_f:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log_f, stderr=subprocess.STDOUT, env=env
            )
            sampler = Sampler(proc.pid)
            try:
                due = start
                while proc.poll() is None:
                    sampler.sample(time.monotonic() - start)
                    # Keep a steady cadence; a slow sample (big smaps on a busy box) is not
                    # followed by a full sleep, and a late one does not cause a burst.
                    now = time.monotonic()
                    due = max(due + SAMPLE_INTERVAL_S, now)
                    time.sleep(due - now)
            finally:
                if proc.poll() is None:  # interrupted: do not leave a browser behind
                    proc.terminate()
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
        wall = time.monotonic() - start
    rc = proc.returncode

    counted = _count_pages(out / "results.json")
    if counted:
        audited = f", {counted[1]} audited in {counted[0]} sites"
        if counted[2]:
            audited += f" ({counted[2]} sites unfinished or failed: see results.json)"
    else:
        audited = ", results.json missing"
    peak_mb = sampler.peak_kb / 1024
    print(f"  sites            {len(sites)}")
    print(f"  pages            {len(sites) * args.pages} requested{audited}")
    print(f"  wall time        {wall:.1f} s")
    print(
        f"  peak PSS         {peak_mb:.0f} MB  (at {sampler.peak_at_s:.1f} s; "
        f"{sampler.samples} samples, one per {wall / max(1, sampler.samples):.2f} s)"
    )
    print(f"  peak processes   {sampler.peak_procs}")
    print(f"  exit code        {rc}")
    if sampler.unreadable:
        print(
            f"  warning: smaps_rollup unreadable for {len(sampler.unreadable)} processes (not counted)"
        )
    if sampler.at_peak:
        print("  at the peak:")
        count: Counter[str] = Counter()
        size: Counter[str] = Counter()
        for k, kb in sampler.at_peak:
            count[k] += 1
            size[k] += kb
        for k, kb in size.most_common():
            print(
                f"    {k:<38} {count[k]:>3} × {kb / 1024 / count[k]:6.0f} MB = {kb / 1024:6.0f} MB"
            )
    if rc != 0:
        print(f"  the audit failed; last lines of {log}:\n{_tail(log)}")
    verdict = "" if peak_mb < LIMIT_MB else "  — OVER THE LIMIT"
    print(
        f"peak PSS {peak_mb:.0f} MB for {len(sites)} sites × {args.pages} pages "
        f"(limit {LIMIT_MB} MB){verdict}"
    )
    if args.keep or rc != 0:
        print(f"kept: {work} (sites in www/, run in out/, CLI output in audit.log)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return rc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Peak PSS of a whole auditor run (auditor + Chromium) on generated sites."
    )
    parser.add_argument("--sites", type=int, default=30, help="number of sites (default 30)")
    parser.add_argument(
        "--pages", type=int, default=3, help="pages per site: home + columns (default 3)"
    )
    parser.add_argument(
        "--skip", default="", help="passed to `auditor audit --skip` (default: run every check)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with the run")
    parser.add_argument(
        "--one-origin",
        action="store_true",
        help="serve every site from one port (default: one port per site, as distinct hosts)",
    )
    args = parser.parse_args(argv)
    if args.sites < 1 or args.pages < 1:
        parser.error("--sites and --pages must be at least 1")
    if not Path("/proc/self/smaps_rollup").exists():
        parser.error("needs Linux /proc/<pid>/smaps_rollup (kernel 4.14+)")
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
