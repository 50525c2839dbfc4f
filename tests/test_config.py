"""The gate's configuration file: lookup, schema, precedence, relative paths and skips."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from auditor.checks import ALL_CHECKS, run_all
from auditor.cli.common import exit_code
from auditor.cli.configured import apply_config
from auditor.cli.parser import build_parser
from auditor.config import ConfigError, find_config, load_config
from auditor.demo.server import DemoServer
from auditor.model import Finding, Outcome, Role, RunResult, Severity, SiteResult, SiteSpec
from auditor.skips import split_skips
from tests.builders import header_region, meta_page

ROOT = Path(__file__).resolve().parent.parent
# The subprocess imports this checkout's auditor, not whichever one the venv has installed.
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

GOOD = """\
as_of = "2026-11-27"
fail_on = "serious"
skip = ["header-site-name", "footer", "phone"]
scoring = "rules/scoring.toml"
resolve = ["www.example.gov.cn=127.0.0.1"]
baseline = "auditor-baseline.json"
ignore = [{check = "header-site-name", page = "/", reason = "顶栏是上级网站链接"}]

[[sites]]
url = "http://www.example.gov.cn/"
name = "示例市人民政府"
code = "3701000001"
article_pattern = "/art/"

[budgets]
max_findings = {link-health = 5}

[checks.link-health]
retries = 1

[checks.column-freshness]
windows = {news = 7}

[notice]
title = "第四季度检查情况通报"
rectify_deadline = "2026-12-31"
"""


def write(folder: Path, text: str = GOOD, name: str = "auditor.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rules").mkdir(exist_ok=True)
    (folder / "rules" / "scoring.toml").write_text("", encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def parsed(argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    parser = build_parser()
    return apply_config(parser, argv, parser.parse_args(argv), Console(stderr=True))


def test_found_from_the_working_directory_upward(tmp_path: Path) -> None:
    path = write(tmp_path / "project")
    deep = tmp_path / "project" / "site" / "templates"
    deep.mkdir(parents=True)
    assert find_config(deep) == path
    config = load_config(start=deep)
    assert config.path == path.resolve()
    assert config.as_of == date(2026, 11, 27) and config.fail_on == "serious"
    assert config.sites[0].name == "示例市人民政府" and config.sites[0].article_pattern == "/art/"
    assert config.budgets == {"link-health": 5} and config.link_limits == {"retries": 1}
    assert config.column_windows == {"news": 7}
    assert config.resolve == (("www.example.gov.cn", "127.0.0.1"),)
    assert config.ignore[0].check == "header-site-name" and config.ignore[0].reason
    assert config.notice == {"title": "第四季度检查情况通报", "rectify_deadline": "2026-12-31"}


def test_no_file_anywhere_is_an_empty_config(tmp_path: Path) -> None:
    assert load_config(start=tmp_path).path is None


PYPROJECT = """\
[project]
name = "site"

[tool.auditor]
fail_on = "serious"

[[tool.auditor.sites]]
url = "http://www.example.gov.cn/"
code = "3701000001"

[tool.auditor.budgets]
max_findings = {link-health = 5, link-healht = 1}
"""


def test_a_pyproject_tool_section_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, PYPROJECT.replace(", link-healht = 1", ""), "pyproject.toml")
    assert find_config(tmp_path / "rules") == path
    config = load_config(start=tmp_path)
    assert config.fail_on == "serious" and config.sites[0].code == "3701000001"
    assert config.budgets == {"link-health": 5}


def test_an_unknown_key_in_pyproject_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, PYPROJECT, "pyproject.toml")
    with pytest.raises(ConfigError, match=r"pyproject.toml:12.*link-healht"):
        load_config(path)


def test_a_pyproject_without_the_section_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path, "[project]\nname = 'x'\n", "pyproject.toml")
    assert find_config(tmp_path / "rules") is None or find_config(tmp_path) is None


def test_relative_paths_are_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "conf")
    monkeypatch.chdir(tmp_path)  # elsewhere than the file
    config = load_config(Path("conf/auditor.toml"))
    assert config.scoring == path.parent.resolve() / "rules" / "scoring.toml"
    assert config.baseline == path.parent.resolve() / "auditor-baseline.json"


def test_unknown_key_names_the_key_the_file_and_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("[checks.link-health]\n", "[checks.link-health]\nretrys = 3\n")
    path = write(tmp_path, text)
    line = text.splitlines().index("retrys = 3") + 1
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path.resolve()}:{line}" in str(caught.value)
    assert "retrys" in str(caught.value) and "不认识" in str(caught.value)


def test_unknown_top_level_key_is_exit_2_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace('fail_on = "serious"\n', 'fail_on = "serious"\nfailon = 1\n'))
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "audit", "--local-only"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "auditor.toml:3" in proc.stderr and "failon" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_key_in_the_second_site_names_that_sites_line(tmp_path: Path) -> None:
    text = (
        GOOD
        + '\n[[sites]]\nurl = "http://b.example.gov.cn/"\ncode = "1"\nname = "乙"\nnmae = "x"\n'
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"auditor.toml:{len(text.splitlines())}" in str(caught.value)
    assert "sites.1.nmae" in str(caught.value)


def test_budgets_let_a_check_pass_the_gate_up_to_its_allowance() -> None:
    def failing(check: str) -> Finding:
        return Finding(check, Outcome.FAIL, Severity.SERIOUS, Role.DEDUCT, "指标", "坏链接")

    run = RunResult(started="")
    run.sites = [
        SiteResult(site=SiteSpec(url="http://a.gov.cn/"), findings=[failing("link-health")] * 5)
    ]
    assert exit_code(run, "minor", {"link-health": 5}) == 0
    assert exit_code(run, "minor", {"link-health": 4}) == 1
    assert exit_code(run, "minor") == 1
    run.sites[0].findings.append(failing("footer-icp"))
    assert exit_code(run, "minor", {"link-health": 5}) == 1  # another check still fails


def test_an_ignore_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace(', reason = "顶栏是上级网站链接"', ""))
    with pytest.raises(ConfigError, match="reason"):
        load_config(path)


def test_a_bad_resolve_entry_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("=127.0.0.1", "=not-an-ip"))
    with pytest.raises(ConfigError, match="主机名=IP地址"):
        load_config(path)


def test_command_line_options_win_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path)
    args = parsed(["audit", "--fail-on", "critical"], tmp_path, monkeypatch)
    assert args.fail_on == "critical"  # the command line
    assert args.as_of == date(2026, 11, 27)  # the file
    assert args.skip == "header-site-name,footer,phone"
    assert args.scoring == (tmp_path / "rules" / "scoring.toml").resolve()
    args = parsed(["audit", "--as-of", "2026-01-02", "--skip", "qr"], tmp_path, monkeypatch)
    assert args.as_of == date(2026, 1, 2) and args.skip == "qr"
    report = parsed(["report", "run", "--title", "另一个标题"], tmp_path, monkeypatch)
    assert report.title == "另一个标题" and report.rectify_deadline == "2026-12-31"


def test_config_named_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "elsewhere")
    (tmp_path / "here").mkdir()
    args = parsed(["check", "--from", "x", "--config", str(path)], tmp_path / "here", monkeypatch)
    assert args.fail_on == "serious" and args.loaded_config.path == path.resolve()


def test_skip_takes_check_ids_groups_and_gatherers() -> None:
    skips = split_skips(["header-site-name", "footer", "phone"])
    assert skips.gatherers == {"phone"}
    footer = {c.id for c in ALL_CHECKS if c.group == "footer"}
    assert skips.checks == {"header-site-name", *footer}
    assert split_skips(["links"]).gatherers == {"links"}  # the gatherer, as before
    with pytest.raises(ValueError, match="不认识：foo"):
        split_skips(["foo"])


def test_a_skipped_check_is_not_applicable_saying_so() -> None:
    page = meta_page()
    page.header = header_region("陕西省人民政府")
    site = SiteSpec(url=page.url, name="示例市人民政府")
    ran = {f.check: f for f in run_all(page, site)}
    assert ran["header-site-name"].is_problem
    skipped = {f.check: f for f in run_all(page, site, skip=frozenset({"header-site-name"}))}
    assert skipped["header-site-name"].outcome is Outcome.NOT_APPLICABLE
    assert skipped["header-site-name"].message == "按配置跳过"
    assert skipped["meta-tags"].outcome == ran["meta-tags"].outcome  # the others still ran


@pytest.mark.browser
def test_audit_takes_sites_and_skips_from_the_file(tmp_path: Path, demo_server: DemoServer) -> None:
    text = f"""\
as_of = "2026-11-27"
max_pages = 1
skip = ["header-site-name", "footer", "a11y", "phone", "links", "qr", "probes", "elderly"]

[[sites]]
url = "{demo_server.url}"
name = "示例市人民政府"
"""
    write(tmp_path, text)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "audit", "--local-only", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=240,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert f"配置文件：{tmp_path.resolve() / 'auditor.toml'}" in proc.stderr.replace("\n", "")
    run = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert run["as_of"] == "2026-11-27"
    assert run["sites"][0]["site"]["name"] == "示例市人民政府"
    findings = {f["check"]: f for f in run["sites"][0]["pages"][0]["findings"]}
    for check in ("header-site-name", "footer-icp", "footer-conac"):
        assert findings[check]["outcome"] == "not_applicable"
        assert findings[check]["message"] == "按配置跳过"
    assert findings["meta-tags"]["outcome"] != "not_applicable"


@pytest.mark.parametrize(
    ("windows", "says"),
    [("{gossip = 7}", "gossip"), ("{news = 0}", "超出范围"), ('{news = "7"}', "应为整数")],
)
def test_a_bad_column_window_is_refused_naming_it(tmp_path: Path, windows: str, says: str) -> None:
    text = GOOD.replace("windows = {news = 7}", f"windows = {windows}")
    with pytest.raises(ConfigError, match=says):
        load_config(write(tmp_path, text))


def test_a_province_s_column_window_decides_column_freshness() -> None:
    """A news column 10 days old: fine nationally (14 days), stale with a 7-day window."""
    from auditor.artifacts import Artifacts, Meta
    from auditor.checks.base import run_check
    from auditor.checks.freshness import column_freshness
    from auditor.model import Outcome, PageType

    page = Artifacts(
        url="https://www.example.gov.cn/col/yw/", final_url="https://www.example.gov.cn/col/yw/",
        status=200, page_type=PageType.COLUMN, as_of="2026-11-27",
        metas=[Meta("ColumnName", "要闻动态"), Meta("ColumnType", "工作动态")],
        list_items=[
            {"title": f"要闻标题第{i}条内容", "date_text": "2026-11-17", "href": f"/a/{i}.html"}
            for i in range(3)
        ],
    )  # fmt: skip
    site = SiteSpec(url="https://www.example.gov.cn/")
    assert [f.outcome for f in run_check(column_freshness, page, site)] == [Outcome.PASS]
    page.column_windows = {"news": 7}
    [stale] = run_check(column_freshness, page, site)
    assert stale.outcome is Outcome.FAIL and "应7天内更新" in stale.message
