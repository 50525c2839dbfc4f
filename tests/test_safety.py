"""Page and list text never becomes markup and never names a file outside the run directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from auditor.demo.server import DemoServer

AUDITOR = [sys.executable, "-m", "auditor.cli"]
XSS = "<script>alert(1)</script>"
EVIL_NAME = "../../逃逸<script>alert(2)</script>"
PAGE = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>
<meta name="SiteName" content="{EVIL_NAME.replace("<", "&lt;").replace(">", "&gt;")}">
</head><body>
<header id="header"><h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1></header>
<main><p>正文</p><a href="a.html">&lt;img src=x onerror=alert(3)&gt;</a></main>
<footer id="footer"><p>主办单位：../../etc</p></footer>
</body></html>
"""


def tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.browser  # a whole audit through the CLI
def test_hostile_titles_and_site_names_stay_text_and_inside_the_run_directory(
    tmp_path: Path, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "a.html").write_text(PAGE, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    sites = work / "sites.csv"
    sites.write_text(
        "网站名称,网站标识码,首页网址,主办单位,地区\n"
        f'"{EVIL_NAME}",3701000001,{server.url},"../主办{XSS}","../地区{XSS}"\n',
        encoding="utf-8",
    )
    out = work / "run"
    outside_before = tree(tmp_path) - {out}
    proc = subprocess.run(
        [
            *AUDITOR,
            "audit",
            "--sites",
            str(sites),
            "--out",
            str(out),
            "--max-pages",
            "2",
            "--local-only",
            "--fail-on",
            "none",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [*AUDITOR, "report", str(out), "--format", "docx,xlsx,html,json"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr

    # nothing was written anywhere but the run directory (and the page server's own folder)
    created = {p for p in tree(tmp_path) - outside_before if not p.is_relative_to(out)}
    assert created == set(), created
    for path in tree(out):
        assert path.resolve().is_relative_to(out.resolve())
        assert ".." not in path.name and "<" not in path.name and "逃逸" not in path.name

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    messages = [f["message"] for p in results["sites"][0]["pages"] for f in p["findings"]]
    assert any(XSS in m for m in messages)  # the page title did reach a message…
    pages = [out / "report.html", *sorted((out / "sites").glob("*.html"))]
    html = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert html.count("<script") == 1 and "<img src=x" not in html  # only the index's search
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # …and is shown as text
    assert "../../逃逸&lt;script&gt;alert(2)&lt;/script&gt;" in html

    (docx,) = out.glob("*.docx")
    (xlsx,) = out.glob("*.xlsx")
    sheet = load_workbook(xlsx)["网站检查结果"]
    assert sheet.cell(row=2, column=3).value == EVIL_NAME
    doc = Document(str(docx))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert results["sites"][0]["verdict"]["label"] == "不合格"  # no dated news: 首页不更新
    assert EVIL_NAME in text  # 附件3 names the site verbatim, as text
    assert "../地区<script>alert(1)</script>" in text  # region, verbatim as text in 附件2
