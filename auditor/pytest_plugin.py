"""pytest plugin: gate a site in CI with ``pytest specs/ --site URL``.

Registered through the ``pytest11`` entry point, so installing the package is enough. The site is
audited once per session by the same engine as the CLI, with the CLI's gate options and the same
configuration file (``auditor.toml`` or ``[tool.auditor]``; command-line options win); spec modules
are parametrized per audited page (readable ids such as ``article:/art/2026/11/a.html``) and per
check id, and a failing test lists its findings in Chinese with the evidence paths.

Evidence in JUnit XML: per-test ``<properties>`` are not part of the xunit2 schema (pytest warns
about ``record_property``), so each picture is a test-suite property (valid in xunit2) and a
``[[ATTACHMENT|path]]`` line on the test's stdout, which GitLab and Jenkins show as the test's
screenshot when stdout is kept (``-o junit_logging=system-out``). Paths are relative to the JUnit
file's folder so a downloaded CI artifact keeps working. pytest-html gets the pictures as images,
embedded as data URIs with ``--self-contained-html``.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.config import Config
from auditor.model import Finding, Outcome, PageResult, RunResult, Severity, SiteResult, SiteSpec

_RUN_KEY = pytest.StashKey[RunResult]()
_SITES_KEY = pytest.StashKey[list[SiteSpec]]()
GATE_KEY = pytest.StashKey["Gate"]()
_EVIDENCE_KEY = pytest.StashKey[list[Path]]()
NO_SITE = (
    "未指定要检查的网站：请加 --site URL 或 --sites-file 清单，"
    "或在配置文件（auditor.toml 或 pyproject.toml 的 [tool.auditor]）中写 [[sites]]"
)
AUDITED = ("audited_page", "audited_site")


@dataclass(frozen=True)
class Gate:
    """The session's gate settings: the options merged over the configuration file."""

    config: Config
    fail_on: str = "minor"
    as_of: date | None = None
    skip: tuple[str, ...] = ()
    budgets: dict[str, int] = field(default_factory=dict)
    baseline: Path | None = None  # findings it lists are accepted (auditor.run.baseline)
    resolve: dict[str, str] = field(default_factory=dict)  # --resolve: staging host -> address
    junit_dir: Path | None = None  # JUnit XML's folder: evidence paths are relative to it

    def display(self, path: Path) -> str:
        """An evidence path as the JUnit file and the failure text give it."""
        if self.junit_dir is None:
            return str(path)
        return Path(os.path.relpath(path, self.junit_dir)).as_posix()


@dataclass(frozen=True)
class AuditedPage:
    """What a spec test receives: one audited page and its site."""

    site: SiteResult
    page: PageResult
    evidence_root: Path
    gate: Gate | None = None
    run: RunResult | None = None

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
    gate: Gate | None = None
    run: RunResult | None = None

    @property
    def url(self) -> str:
        return self.site.site.url

    def findings(self, check_id: str) -> list[Finding]:
        return [f for f in self.site.findings if f.check == check_id]


FAIL_ON = ("minor", "moderate", "serious", "critical", "none")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("auditor", "政府网站检查 (auditor)")
    group.addoption("--site", action="append", default=[], help="要检查的网站首页网址（可重复）")
    group.addoption("--sites-file", default=None, help="网站清单 CSV/XLSX")
    group.addoption("--name", default="", help="单个网站的应有名称（与页面核对）")
    group.addoption("--code", default="", help="单个网站的应有网站标识码")
    group.addoption("--evidence-dir", default="auditor-evidence", help="证据截图和结果的输出目录")
    group.addoption(
        "--max-pages", type=int, default=None, help="每个网站最多检查的页面数（默认 10）"
    )
    group.addoption(
        "--as-of", type=date.fromisoformat, default=None, help="检查日期 YYYY-MM-DD（默认今天）"
    )
    group.addoption(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="达到该严重程度的问题才使测试失败（默认 minor；none 只报告不失败）",
    )
    group.addoption(
        "--skip",
        default=None,
        help="跳过的检查环节、检查组或检查项，逗号分隔（同 auditor audit --skip）",
    )
    group.addoption(
        "--config",
        dest="auditor_config",
        default=None,
        help="配置文件（默认从当前目录向上找 auditor.toml 或含 [tool.auditor] 的 pyproject.toml）",
    )
    group.addoption(
        "--baseline", default=None, help="已接受问题的基线文件（auditor baseline 生成）"
    )
    group.addoption(
        "--resolve",
        action="append",
        default=[],
        metavar="NAME=IP",
        help="把域名解析到指定地址（可重复），如 www.example.gov.cn=10.1.2.3：上线前按正式域名检查预发布服务器",
    )
    group.addoption("--auditor-browser", default=None, help="Chromium 可执行文件")
    group.addoption(
        "--local-only",
        "--auditor-local-only",
        dest="auditor_local_only",
        action="store_true",
        help="浏览器只解析 localhost/127.0.0.1（测试与 CI 用；真实检查不要加）",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Read the configuration, the sites and the baseline up front: bad input is a usage error."""
    from auditor.config import ConfigError, load_config
    from auditor.run.baseline import BaselineError, load_baseline
    from auditor.run.sites import SitesFileError

    try:
        loaded = load_config(_path(config.getoption("auditor_config")))
        gate = config.stash[GATE_KEY] = _gate(config, loaded)
        config.stash[_SITES_KEY] = _sites(config, loaded)
        if gate.baseline:
            load_baseline(gate.baseline)
    except (SitesFileError, ConfigError, BaselineError) as exc:
        raise pytest.UsageError(str(exc)) from exc


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _gate(config: pytest.Config, loaded: Config) -> Gate:
    from auditor.hostmap import ResolveError, parse_resolve
    from auditor.skips import split_skips

    skip_option = config.getoption("skip")
    skip = tuple(s.strip() for s in skip_option.split(",")) if skip_option else loaded.skip
    mapped = config.getoption("resolve") or [f"{h}={ip}" for h, ip in loaded.resolve]
    try:
        split_skips(skip)
        resolve = parse_resolve(mapped)
    except (ValueError, ResolveError) as exc:
        raise pytest.UsageError(str(exc)) from exc
    junit = config.getoption("xmlpath", None)
    return Gate(
        config=loaded,
        fail_on=config.getoption("fail_on") or loaded.fail_on or "minor",
        as_of=config.getoption("as_of") or loaded.as_of,
        skip=tuple(s for s in skip if s),
        budgets=dict(loaded.budgets),
        baseline=_path(config.getoption("baseline")) or loaded.baseline,
        resolve=resolve,
        junit_dir=Path(junit).resolve().parent if junit else None,
    )


def _sites(config: pytest.Config, loaded: Config) -> list[SiteSpec]:
    from auditor.run.sites import normalize_url, read_sites, validate_url

    given = config.getoption("site")
    name, code = config.getoption("name"), config.getoption("code")
    if (name or code) and len(given) != 1:
        raise pytest.UsageError("--name/--code 只用于单个 --site")
    configured = {e.url: e for e in loaded.sites}
    sites = []
    for raw in given:
        url = normalize_url(raw)
        why = validate_url(url)
        if why:
            raise pytest.UsageError(f"--site {raw}: {why}")
        known = configured.get(url)
        sites.append(
            SiteSpec(
                url=url,
                name=name or (known.name if known else ""),
                code=code or (known.code if known else ""),
            )
        )
    path = config.getoption("sites_file")
    if path:
        listed = read_sites(Path(path))
        sites += listed.sites
        for message in listed.errors:
            config.issue_config_time_warning(pytest.PytestConfigWarning(message), stacklevel=2)
    return sites or loaded.site_specs()


def pytest_report_header(config: pytest.Config) -> list[str]:
    gate = config.stash.get(GATE_KEY, None)
    if gate is None or gate.config.path is None:
        return []
    return [f"auditor 配置文件：{gate.config.path}"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A gate with no site is a usage error (exit 4), never a run of skips that passes."""
    if config.stash.get(_SITES_KEY, []):
        return
    if any(set(getattr(i, "fixturenames", ())) & set(AUDITED) for i in items):
        raise pytest.UsageError(NO_SITE)


def session_run(config: pytest.Config) -> RunResult | None:
    """Audit the configured sites once per session (cached on the config)."""
    if _RUN_KEY in config.stash:
        return config.stash[_RUN_KEY]
    sites = config.stash.get(_SITES_KEY, [])
    if not sites:
        return None
    from auditor.engine import AuditOptions, audit
    from auditor.extract.page_type import TypeRules
    from auditor.gather.render import RenderSettings
    from auditor.report.html import write_html
    from auditor.report.json_report import write_json
    from auditor.run.baseline import gate as accept_known
    from auditor.skips import split_skips

    gate = config.stash[GATE_KEY]
    loaded = gate.config
    skips = split_skips(gate.skip)
    out = Path(config.getoption("evidence_dir")).resolve()
    options = AuditOptions(
        out_dir=out,
        max_pages=config.getoption("max_pages") or loaded.max_pages or 10,
        browser=config.getoption("auditor_browser"),
        test_mode=config.getoption("auditor_local_only"),
        as_of=gate.as_of,
        skip=skips.gatherers,
        skip_checks=skips.checks,
        link_limits=dict(loaded.link_limits),
        column_windows=dict(loaded.column_windows),
        settings=RenderSettings(wording_files=loaded.wording),
        rules=TypeRules(loaded.column_pattern, loaded.article_pattern),
        resolve=gate.resolve,
    )
    run = asyncio.run(audit(sites, options))
    run = accept_known(run, gate.baseline, loaded.ignore)
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
    wanted = [n for n in AUDITED if n in metafunc.fixturenames]
    if not wanted:
        return
    run = session_run(metafunc.config)
    if run is None:
        skip = pytest.param(None, marks=pytest.mark.skip(reason=NO_SITE))
        metafunc.parametrize(wanted[0], [skip])
        return
    root = Path(metafunc.config.getoption("evidence_dir")).resolve()
    gate = metafunc.config.stash[GATE_KEY]
    if wanted[0] == "audited_site":
        metafunc.parametrize(
            "audited_site",
            [AuditedSite(s, root, gate, run) for s in run.sites],
            ids=[urlsplit(s.site.url).netloc for s in run.sites],
            scope="session",
        )
        return
    many = len(run.sites) > 1
    pages = [(s, p) for s in run.sites for p in s.pages]
    metafunc.parametrize(
        "audited_page",
        [AuditedPage(s, p, root, gate, run) for s, p in pages],
        ids=[page_id(s, p, many) for s, p in pages],
        scope="session",
    )


def checks_in(*groups: str) -> list[str]:
    """The page checks of these groups (the modules of ``auditor.checks``), in registry order."""
    from auditor.checks import ALL_CHECKS

    return [c.id for c in ALL_CHECKS if c.group in groups]


Record = Callable[[str, object], None]


@pytest.fixture
def auditor_evidence(request: pytest.FixtureRequest, record_testsuite_property) -> Record:
    """Where a spec test records its evidence pictures (JUnit, pytest-html), xunit2-safe."""
    gate = request.config.stash.get(GATE_KEY, None)

    def record(name: str, value: object) -> None:
        path = Path(str(value))
        request.node.stash.setdefault(_EVIDENCE_KEY, []).append(path)
        shown = gate.display(path) if gate else str(path)
        record_testsuite_property(name, shown)
        print(f"[[ATTACHMENT|{shown}]]")

    return record


def assert_check(
    audited_page: AuditedPage | AuditedSite,
    check_id: str,
    record: Record | None = None,
) -> None:
    """Fail with the findings (Chinese, with evidence) when ``check_id`` failed on the page.

    A failure below ``fail_on``, or within the check's budget (``max_findings``), does not fail.
    """
    findings = audited_page.findings(check_id)
    if not findings:
        pytest.skip(f"{check_id} 未在此页运行")
    gate = audited_page.gate
    show = gate.display if gate else str
    for f in findings:
        if f.evidence and record is not None:
            record("evidence", audited_page.evidence_root / f.evidence)
    failed = [f for f in findings if _gating(f, audited_page)]
    if failed:
        lines = [f"{audited_page.url} 未通过 {check_id}："]
        for f in failed:
            lines.append(f"  - [{f.outcome}] {f.message}")
            if f.selector:
                lines.append(f"    元素：{f.selector}")
            if f.evidence:
                lines.append(f"    证据：{show(audited_page.evidence_root / f.evidence)}")
        lines.append(f"    依据：{failed[0].rule}")
        pytest.fail("\n".join(lines), pytrace=False)
    for f in findings:
        if f.outcome is Outcome.ACCEPTED:  # a baseline's or an ignore's: shown, never failing
            why = f.data.get("accepted", {}).get("reason") or "基线"
            print(f"已接受：{f.message}（{why}）")  # the test's output (JUnit system-out)
    if all(f.outcome is Outcome.NOT_APPLICABLE for f in findings):
        pytest.skip(findings[0].message)


def _gating(f: Finding, audited: AuditedPage | AuditedSite) -> bool:
    """Whether this finding fails the gate: an error always; a failure at or above fail_on,
    unless the whole run stays within the check's budget."""
    if f.outcome is Outcome.ERROR:
        return True
    if f.outcome is not Outcome.FAIL:
        return False
    gate = audited.gate
    if gate is None:
        return True
    if gate.fail_on == "none" or f.severity.rank < Severity(gate.fail_on).rank:
        return False
    budget = gate.budgets.get(f.check)
    if budget is None or audited.run is None:
        return True
    floor = Severity(gate.fail_on).rank
    used = [
        g
        for g in audited.run.findings
        if g.check == f.check and g.outcome is Outcome.FAIL and g.severity.rank >= floor
    ]
    return len(used) > budget


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach evidence images to pytest-html reports when that plugin is installed."""
    report = yield
    if report.when != "call" or not item.config.pluginmanager.hasplugin("html"):
        return report
    import pytest_html

    embed = bool(item.config.getoption("self_contained_html", False))
    html = item.config.getoption("htmlpath", None)
    base = Path(html).resolve().parent if html else Path.cwd()
    extras = getattr(report, "extras", [])
    for path in item.stash.get(_EVIDENCE_KEY, []):
        if embed and path.is_file():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            extras.append(pytest_html.extras.png(data, name=path.name))
        else:
            link = Path(os.path.relpath(path, base)).as_posix()
            extras.append(pytest_html.extras.image(link, name=path.name))
    setattr(report, "extras", extras)  # noqa: B010 - pytest-html's attribute, not TestReport's
    return report
