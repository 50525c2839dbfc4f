"""The engine's own duties: saving as it goes, per-site page-type rules, politeness bounds."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auditor.demo.server import DemoServer
from auditor.engine import AuditOptions, audit, default_concurrency, rules_for, site_dir_name
from auditor.extract.page_type import TypeRules
from auditor.model import PageType, RunResult, SiteSpec


# The engine starts its own Renderer (and Chromium): these are end-to-end runs of ``audit``.
@pytest.mark.browser
def test_each_finished_site_is_reported_as_it_finishes(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    sites = [
        SiteSpec(url=demo_server.url, name="示例市人民政府"),
        SiteSpec(url=demo_server.url + "col/yw/index.html", name="要闻"),
    ]
    seen: list[int] = []

    def on_site(run: RunResult) -> None:
        seen.append(len(run.sites))

    options = AuditOptions(out_dir=tmp_path, max_pages=1, test_mode=True)
    run = asyncio.run(audit(sites, options, on_site=on_site))
    assert seen == [1, 2]
    assert [s.site.name for s in run.sites] == ["示例市人民政府", "要闻"]  # input order kept
    assert (tmp_path / site_dir_name(1, sites[0]) / "p00.artifacts.json").is_file()


@pytest.mark.browser
def test_sites_list_columns_override_page_types(tmp_path: Path, demo_server: DemoServer) -> None:
    site = SiteSpec(url=demo_server.url, extra={"文章页规则": r"/col/zcwj/"})
    assert rules_for(site, AuditOptions(out_dir=tmp_path)) == TypeRules("", r"/col/zcwj/")
    # Only page types are asserted: the crawl and the page render, without the extra gatherers.
    options = AuditOptions(
        out_dir=tmp_path,
        max_pages=20,
        test_mode=True,
        skip=frozenset({"a11y", "phone", "elderly", "links", "qr", "probes"}),
    )
    run = asyncio.run(audit([site], options))
    forced = [p for p in run.sites[0].pages if "/col/zcwj/" in p.url]
    assert forced and forced[0].page_type is PageType.ARTICLE


def test_site_folder_names_cannot_leave_the_run_directory() -> None:
    name = site_dir_name(7, SiteSpec(url="http://../../etc/passwd"))
    assert "/" not in name and ".." not in name and name.startswith("007-")


def test_pool_is_sized_to_the_machine() -> None:
    assert 2 <= default_concurrency() <= 8
