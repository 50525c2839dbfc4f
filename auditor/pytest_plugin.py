"""pytest plugin: gate a site in CI with ``pytest specs/ --site URL``.

Registered through the ``pytest11`` entry point, so installing the package is enough. The site is
audited once per session by the same engine as the CLI; spec modules are parametrized per audited
page (readable ids such as ``article:/art/2026/11/a.html``) and per check id, and a failing test
lists its findings in Chinese with the evidence paths, which also go into ``user_properties`` (JUnit
XML, pytest-html).
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.model import Finding, Outcome, PageResult, RunResult, SiteResult, SiteSpec

_RUN_KEY = pytest.StashKey[RunResult]()
_SITES_KEY = pytest.StashKey[list[SiteSpec]]()
NO_SITE = "未指定要检查的网站：请加 --site URL 或 --sites-file 清单"


@dataclass(frozen=True)
class AuditedPage:
    """What a spec test receives: one audited page and its site."""

    site: SiteResult
    page: PageResult
    evidence_root: Path

    @property
    def url(self) -> str:
        return self.page.url

    def findings(self, check_id: str) -> list[Finding]:
        return [f for f in self.page.findings if f.check == check_id]


@dataclass(frozen=True)
class AuditedSite:
    """What a site-level spec receives: the site's aggregated findings (e.g. column-update)."""

    site: SiteResult
    evidence_root: Path

    @property
    def url(self) -> str:
        return self.site.site.url

    def findings(self, check_id: str) -> list[Finding]:
        return [f for f in self.site.findings if f.check == check_id]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("auditor", "政府网站检查 (auditor)")
    group.addoption("--site", action="append", default=[], help="要检查的网站首页网址（可重复）")
    group.addoption("--sites-file", default=None, help="网站清单 CSV/XLSX")
    group.addoption("--evidence-dir", default="auditor-evidence", help="证据截图和结果的输出目录")
    group.addoption("--max-pages", type=int, default=10, help="每个网站最多检查的页面数")
    group.addoption("--auditor-browser", default=None, help="Chromium 可执行文件")
    group.addoption(
        "--baseline",
        default=None,
        help="CI 门禁的基线文件（auditor baseline 生成）：其中的问题记为已接受，不使测试失败",
    )
    group.addoption(
        "--auditor-local-only",
        action="store_true",
        help="浏览器只解析 localhost/127.0.0.1（测试用）",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Validate --site/--sites-file up front: bad input is a usage error, not a crash."""
    from auditor.run.baseline import BaselineError, load_baseline
    from auditor.run.sites import SitesFileError

    try:
        config.stash[_SITES_KEY] = _sites(config)
        if config.getoption("baseline"):
            load_baseline(Path(config.getoption("baseline")))
    except (SitesFileError, BaselineError) as exc:
        raise pytest.UsageError(str(exc)) from exc


def _sites(config: pytest.Config) -> list[SiteSpec]:
    from auditor.run.sites import normalize_url, read_sites, validate_url

    sites = []
    for raw in config.getoption("site"):
        url = normalize_url(raw)
        why = validate_url(url)
        if why:
            raise pytest.UsageError(f"--site {raw}: {why}")
        sites.append(SiteSpec(url=url))
    path = config.getoption("sites_file")
    if path:
        listed = read_sites(Path(path))
        sites += listed.sites
        for message in listed.errors:
            config.issue_config_time_warning(pytest.PytestConfigWarning(message), stacklevel=2)
    return sites


def session_run(config: pytest.Config) -> RunResult | None:
    """Audit the configured sites once per session (cached on the config)."""
    if _RUN_KEY in config.stash:
        return config.stash[_RUN_KEY]
    sites = config.stash.get(_SITES_KEY, [])
    if not sites:
        return None
    from auditor.engine import AuditOptions, audit
    from auditor.report.html import write_html
    from auditor.report.json_report import write_json
    from auditor.run.baseline import gate

    out = Path(config.getoption("evidence_dir")).resolve()
    options = AuditOptions(
        out_dir=out,
        max_pages=config.getoption("max_pages"),
        browser=config.getoption("auditor_browser"),
        test_mode=config.getoption("auditor_local_only"),
    )
    run = asyncio.run(audit(sites, options))
    baseline = config.getoption("baseline")
    run = gate(run, Path(baseline) if baseline else None)
    write_json(run, out / "results.json")
    write_html(run, out / "report.html")
    config.stash[_RUN_KEY] = run
    return run


def page_id(site: SiteResult, page: PageResult, many_sites: bool) -> str:
    parts = urlsplit(page.url)
    where = parts.path or "/"
    if parts.query:
        where += "?" + parts.query
    prefix = f"{parts.hostname}:" if many_sites else ""
    return f"{prefix}{page.page_type}:{where}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    wanted = [n for n in ("audited_page", "audited_site") if n in metafunc.fixturenames]
    if not wanted:
        return
    run = session_run(metafunc.config)
    if run is None:
        skip = pytest.param(None, marks=pytest.mark.skip(reason=NO_SITE))
        metafunc.parametrize(wanted[0], [skip])
        return
    root = Path(metafunc.config.getoption("evidence_dir")).resolve()
    if wanted[0] == "audited_site":
        metafunc.parametrize(
            "audited_site",
            [AuditedSite(s, root) for s in run.sites],
            ids=[urlsplit(s.site.url).netloc for s in run.sites],
            scope="session",
        )
        return
    many = len(run.sites) > 1
    pages = [(s, p) for s in run.sites for p in s.pages]
    metafunc.parametrize(
        "audited_page",
        [AuditedPage(s, p, root) for s, p in pages],
        ids=[page_id(s, p, many) for s, p in pages],
        scope="session",
    )


def checks_in(*groups: str) -> list[str]:
    """The page checks of these groups (the modules of ``auditor.checks``), in registry order."""
    from auditor.checks import ALL_CHECKS

    return [c.id for c in ALL_CHECKS if c.group in groups]


def assert_check(
    audited_page: AuditedPage | AuditedSite,
    check_id: str,
    record_property,
) -> None:
    """Fail with the findings (Chinese, with evidence) when ``check_id`` failed on the page."""
    findings = audited_page.findings(check_id)
    if not findings:
        pytest.skip(f"{check_id} 未在此页运行")
    for f in findings:
        if f.evidence:
            record_property("evidence", str(audited_page.evidence_root / f.evidence))
    failed = [f for f in findings if f.outcome in (Outcome.FAIL, Outcome.ERROR)]
    if failed:
        lines = [f"{audited_page.url} 未通过 {check_id}："]
        for f in failed:
            lines.append(f"  - [{f.outcome}] {f.message}")
            if f.selector:
                lines.append(f"    元素：{f.selector}")
            if f.evidence:
                lines.append(f"    证据：{audited_page.evidence_root / f.evidence}")
        lines.append(f"    依据：{failed[0].rule}")
        pytest.fail("\n".join(lines), pytrace=False)
    for f in findings:
        if f.outcome is Outcome.ACCEPTED:  # a baseline's or an ignore's: shown, never failing
            why = f.data.get("accepted", {}).get("reason") or "基线"
            record_property("accepted", f"{f.message}（{why}）")
    if all(f.outcome is Outcome.NOT_APPLICABLE for f in findings):
        pytest.skip(findings[0].message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach evidence images to pytest-html reports when that plugin is installed."""
    report = yield
    if report.when != "call" or not item.config.pluginmanager.hasplugin("html"):
        return report
    import pytest_html

    extras = getattr(report, "extras", [])
    for name, value in item.user_properties:
        if name == "evidence":
            extras.append(pytest_html.extras.image(str(value)))
    setattr(report, "extras", extras)  # noqa: B010 - pytest-html's attribute, not TestReport's
    return report
