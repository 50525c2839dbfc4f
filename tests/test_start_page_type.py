"""The start URL is judged as what it is: an article or a column given as the start is not a home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.artifacts import Artifacts, Meta, TextBlock
from auditor.demo.server import DemoServer
from auditor.extract.page_type import TypeRules, classify_start
from auditor.model import PageType, Rect

SITE = "http://www.shili.gov.cn"


def page(path: str, metas: dict[str, str] | None = None, **fields) -> Artifacts:
    url = SITE + path
    tags = [Meta(k, v) for k, v in (metas or {}).items()]
    return Artifacts(url=url, final_url=url, status=200, metas=tags, **fields)


HOME_METAS = {"SiteName": "示例市人民政府", "SiteDomain": "www.shili.gov.cn", "SiteIDCode": "1"}


@pytest.mark.parametrize("path", ["/", "/index.html", "/index.shtml", "/default.htm"])
def test_site_root_is_home_even_with_article_looking_text(path: str) -> None:
    info = [TextBlock("发布时间：2026-11-18 来源：办公室", Rect(0, 0, 10, 10))]
    assert classify_start(page(path, HOME_METAS, info_blocks=info)) is PageType.HOME


def test_article_meta_makes_the_start_an_article() -> None:
    art = page("/zwgk/page.html", {**HOME_METAS, "ArticleTitle": "通知", "PubDate": "2026-11-18"})
    assert classify_start(art) is PageType.ARTICLE


def test_article_url_makes_the_start_an_article() -> None:
    assert classify_start(page("/art/2026/11/18/art_1_2.html", HOME_METAS)) is PageType.ARTICLE


def test_column_meta_or_cms_column_url_makes_the_start_a_column() -> None:
    assert classify_start(page("/zwgk/tzgg/", {"ColumnName": "通知公告"})) is PageType.COLUMN
    assert classify_start(page("/col/col123/index.html")) is PageType.COLUMN


def test_a_bare_folder_without_column_tags_stays_a_home() -> None:
    """``/fgw/`` is as often a department's own site as a column: not clearly a column."""
    assert classify_start(page("/fgw/", HOME_METAS)) is PageType.HOME


def test_article_dom_makes_the_start_an_article() -> None:
    info = [TextBlock("发布时间：2026-11-18 来源：办公室", Rect(0, 0, 10, 10))]
    assert classify_start(page("/about.html", info_blocks=info)) is PageType.ARTICLE


def test_patterns_and_page_type_option_win() -> None:
    art = page("/zwgk/page.html", {"ArticleTitle": "通知"})
    assert classify_start(art, rules=TypeRules(column_pattern="/zwgk/")) is PageType.COLUMN
    assert classify_start(art, forced=PageType.HOME) is PageType.HOME
    assert classify_start(page("/"), forced=PageType.ARTICLE) is PageType.ARTICLE


# -- the whole command: one page audited from an article or a column start ---------------------

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
QUICK = ["--max-pages", "1", "--local-only", "--skip", "a11y,probes,phone,elderly,links,qr"]


def audit_one(url: str, out: Path, *extra: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "audit", url, *QUICK, "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
        cwd=out.parent,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"][0]["pages"][0]


def outcome(page: dict, check: str) -> str:
    return next(f["outcome"] for f in page["findings"] if f["check"] == check)


@pytest.mark.browser
def test_article_start_is_checked_as_an_article(tmp_path: Path, demo_server: DemoServer) -> None:
    got = audit_one(demo_server.url + "art/2026/11/art_1002.html", tmp_path / "a")
    assert got["page_type"] == "article"
    assert outcome(got, "homepage-freshness") == "not_applicable"
    assert outcome(got, "domain-name") == "not_applicable"


@pytest.mark.browser
def test_column_start_is_checked_as_a_column(tmp_path: Path, demo_server: DemoServer) -> None:
    got = audit_one(demo_server.url + "col/tzgg/index.html", tmp_path / "c")
    assert got["page_type"] == "column"
    assert outcome(got, "homepage-freshness") == "not_applicable"


@pytest.mark.browser
def test_page_type_option_forces_home(tmp_path: Path, demo_server: DemoServer) -> None:
    url = demo_server.url + "art/2026/11/art_1002.html"
    got = audit_one(url, tmp_path / "h", "--page-type", "home")
    assert got["page_type"] == "home"
    assert outcome(got, "domain-name") != "not_applicable"
