"""How big are the reports of a province? The HTML index, the site pages and the Word notice.

Audits the bundled demo site once (a real run: 17 pages, its seeded defects), then copies that
site's results ``--sites`` times over four regions (each copy its own URL and name; the copies
share the demo's screenshots and evidence) and writes the reports of that run: ``report.html``
and ``sites/*.html``, the Word notice with its evidence appendices, the Excel workbook. Prints
their sizes, and the notice's A4 page count when LibreOffice is installed.

A measurement, not a test: nothing is asserted.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_report_size.py --sites 100
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from auditor.notice.layout import word_pages

REGIONS = ("自贡市", "泸州市", "绵阳市", "省直部门")


def _kb(path: Path) -> str:
    return f"{path.stat().st_size / 1024:,.1f} KB"


def _demo_run(out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "demo", "--out", str(out), "--fail-on", "none"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        raise SystemExit(f"demo audit failed: {proc.stderr[-2000:]}")


def _province(demo: Path, sites: int) -> Path:
    """results.json of ``sites`` copies of the demo site, in the demo's folder."""
    data = json.loads((demo / "results.json").read_text(encoding="utf-8"))
    (original,) = data["sites"]
    host = re.escape(original["site"]["url"].rstrip("/"))
    copies = []
    for n in range(1, sites + 1):
        text = re.sub(host, f"http://www.s{n:03d}.gov.cn", json.dumps(original, ensure_ascii=False))
        site = json.loads(text)
        site["site"]["name"] = f"示例{n:03d}号网站"
        site["site"]["region"] = REGIONS[n % len(REGIONS)]
        # every third site also fails the home-page freshness veto, so 附件3 has rows
        if n % 3 == 0:
            home = site["pages"][0]
            veto = copy.deepcopy(home["findings"][0])
            veto.update(check="homepage-freshness", outcome="fail", role="veto")
            veto["message"] = "首页最新信息发布于2026年10月12日，已超过14天未更新"
            veto["data"] = {"newest": "2026-10-12", "age_days": 46}
            home["findings"].append(veto)
        copies.append(site)
    data["sites"] = copies
    (demo / "results.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (demo / "run.sqlite").unlink(missing_ok=True)  # report reads results.json
    return demo


def _word_pages(docx: Path, out: Path) -> str:
    pages = word_pages(docx, out)
    return "LibreOffice absent" if pages is None else f"{pages} A4 pages"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100, help="copies of the demo site (100)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        run = tmp / "run"
        _demo_run(run)
        _province(run, args.sites)
        proc = subprocess.run(
            [sys.executable, "-m", "auditor.cli", "report", str(run), "--format", "docx,xlsx,html"],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if proc.returncode != 0:
            raise SystemExit(f"report failed: {proc.stderr[-2000:]}")
        pages = sorted((run / "sites").glob("*.html"))
        sizes = [p.stat().st_size for p in pages]
        (docx,) = run.glob("通报附件-*.docx")
        appendices = list(run.glob("问题证据-*/*.docx"))
        (xlsx,) = run.glob("网站检查结果-*.xlsx")
        failed = len(appendices)
        print(
            f"bench_report_size: {args.sites} sites (copies of the demo's 17 pages), {failed} 不合格"
        )
        print(f"  report.html (index)     {_kb(run / 'report.html')}")
        print(
            f"  sites/*.html            {len(pages)} pages, {sum(sizes) / len(sizes) / 1024:,.1f} KB "
            f"each on average, {max(sizes) / 1024:,.1f} KB the largest"
        )
        print(
            f"  notice .docx            {_kb(docx)}, {_word_pages(docx, tmp)} for {failed} 附件3 sites"
        )
        if appendices:
            print(f"  evidence appendix .docx {_kb(appendices[0])} each (one per 附件3 site)")
        print(f"  workbook .xlsx          {_kb(xlsx)}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
