"""The pytest plugin, run in a throw-away pytest session (pytester) against the demo site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from auditor.demo.server import DemoServer

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


@pytest.fixture
def specs_copy(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for module in SPECS.glob("test_*.py"):
        shutil.copy(module, pytester.path / module.name)
    # The child pytest loads this checkout's plugin, not whichever one the venv has installed.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return pytester


@pytest.mark.browser
def test_specs_fail_on_violations_with_chinese_messages_and_evidence(
    specs_copy: pytest.Pytester, demo_server: DemoServer
) -> None:
    evidence = specs_copy.path / "evidence"
    result = specs_copy.runpytest_subprocess(
        f"--site={demo_server.url}",
        "--auditor-local-only",  # the old spelling of --local-only still works
        f"--evidence-dir={evidence}",
        "--max-pages=4",
        "--junitxml=ci/junit.xml",
        "-p",
        "no:cacheprovider",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 1 and outcomes.get("passed", 0) >= 10
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # The home page is served from 127.0.0.1, not a .gov.cn domain.
    result.stdout.fnmatch_lines(["*test_availability*home:/-domain-name*", "*应使用以 .gov.cn*"])
    result.stdout.fnmatch_lines(["*证据：*evidence*.png*"])
    assert (evidence / "results.json").is_file() and (evidence / "report.html").is_file()
    pngs = list(evidence.glob("*/evidence/*.png"))
    assert pngs, "failing findings must leave evidence files"
    # The default junit_family (xunit2) without record_property's warnings; evidence as
    # test-suite properties and attachment lines, relative to the JUnit file's folder.
    assert "record_property is incompatible" not in result.stdout.str()
    junit_file = specs_copy.path / "ci" / "junit.xml"
    junit = junit_file.read_text(encoding="utf-8")
    shown = re.findall(r'<property name="evidence" value="([^"]+)"', junit)
    assert shown, "the JUnit report names the evidence pictures"
    for path in shown:
        assert not Path(path).is_absolute() and path.startswith("../evidence/")
        assert (junit_file.parent / path).is_file()
    result.stdout.fnmatch_lines(["*证据：../evidence/*.png*"])


@pytest.mark.browser
def test_each_page_is_a_readable_parameter(
    specs_copy: pytest.Pytester, demo_server: DemoServer
) -> None:
    result = specs_copy.runpytest_subprocess(
        f"--site={demo_server.url}",
        "--auditor-local-only",
        f"--evidence-dir={specs_copy.path / 'ev'}",
        "--max-pages=3",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
    )
    result.stdout.fnmatch_lines(["*test_footer*home:/-footer-icp*", "*column:/*"])
    result.stdout.fnmatch_lines(["*test_column_update_veto[[]127.0.0.1:*[]]*"])  # site-level


def test_without_a_site_the_gate_is_a_usage_error_not_skips(
    specs_copy: pytest.Pytester,
) -> None:
    result = specs_copy.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # 4
    result.stderr.fnmatch_lines(["*未指定要检查的网站*"])
    assert "skipped" not in result.stdout.str()


def test_without_a_site_other_test_suites_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_ok():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK


def test_unknown_skip_is_a_usage_error(specs_copy: pytest.Pytester) -> None:
    result = specs_copy.runpytest_subprocess(
        "--site=http://127.0.0.1:1/", "--skip=foo", "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--skip 不认识：foo*"])


def test_an_unknown_config_key_is_a_usage_error_naming_its_line(
    specs_copy: pytest.Pytester,
) -> None:
    specs_copy.path.joinpath("auditor.toml").write_text(
        'fail_on = "serious"\nmax_page = 3\n', encoding="utf-8"
    )
    result = specs_copy.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*auditor.toml:2*max_page*"])


@pytest.mark.browser
def test_options_and_the_config_file_reach_the_engine(
    specs_copy: pytest.Pytester, demo_server: DemoServer
) -> None:
    pytest.importorskip("pytest_html")
    specs_copy.path.joinpath("auditor.toml").write_text(
        f"""\
as_of = "2026-11-27"
max_pages = 1
fail_on = "minor"
skip = ["a11y", "phone", "links", "qr", "probes", "elderly"]

[[sites]]
url = "{demo_server.url}"
name = "配置中的名称"
""",
        encoding="utf-8",
    )
    evidence = specs_copy.path / "ev"
    result = specs_copy.runpytest_subprocess(
        "--local-only",
        "--skip=header-site-name,footer,a11y,phone,links,qr,probes,elderly",  # wins over the file
        "--fail-on=critical",
        "--as-of=2026-11-28",
        f"--evidence-dir={evidence}",
        "--html=report/index.html",
        "--self-contained-html",
        "-rs",
        "-p",
        "no:cacheprovider",
    )
    result.stdout.fnmatch_lines(["auditor 配置文件：*auditor.toml"])
    run = json.loads((evidence / "results.json").read_text(encoding="utf-8"))
    assert run["as_of"] == "2026-11-28"  # the option, over the file's date
    site = run["sites"][0]
    assert site["site"]["name"] == "配置中的名称" and len(site["pages"]) == 1
    checks = {f["check"]: f for f in site["pages"][0]["findings"]}
    assert checks["header-site-name"]["message"] == "按配置跳过"
    assert checks["footer-icp"]["message"] == "按配置跳过"
    result.stdout.fnmatch_lines(["*SKIPPED*按配置跳过*"])
    # domain-name fails (serious, 127.0.0.1 is no .gov.cn host) but --fail-on critical lets it
    # pass the gate; nothing critical fails on the demo's home page.
    assert checks["domain-name"]["outcome"] == "fail"
    assert checks["domain-name"]["severity"] == "serious"
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-3000:]
    html = (specs_copy.path / "report" / "index.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the evidence pictures are embedded
    assert "includes link to external resource" not in result.stdout.str()


def test_with_a_site_name_needs_exactly_one_site(specs_copy: pytest.Pytester) -> None:
    result = specs_copy.runpytest_subprocess(
        "--site=http://127.0.0.1:1/", "--site=http://127.0.0.1:2/", "--name=某网站"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_malformed_site_url_is_a_usage_error(specs_copy: pytest.Pytester) -> None:
    result = specs_copy.runpytest_subprocess("--site=ht!tp://bad url", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--site*"])


@pytest.mark.browser
def test_the_gate_audits_a_staging_server_under_its_real_name(
    specs_copy: pytest.Pytester, tmp_path: Path
) -> None:
    """--resolve in the plugin: the staging fixture site on 127.0.0.1 judged as www.shili.gov.cn."""
    site = ROOT / "tests" / "fixtures" / "staging"
    name = "www.shili.gov.cn"
    with DemoServer(root=site) as server:
        result = specs_copy.runpytest_subprocess(
            f"--site=http://{name}:{server.port}/",
            f"--resolve={name}=127.0.0.1",
            "--local-only",
            f"--evidence-dir={tmp_path / 'ev'}",
            "--max-pages=1",
            "-k",
            "domain-name or page-availability",
            "-p",
            "no:cacheprovider",
        )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 2 and "failed" not in outcomes, result.stdout.str()
    bad = specs_copy.runpytest_subprocess(
        "--site=http://x.gov.cn/", "--resolve=x.gov.cn", "-p", "no:cacheprovider"
    )
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
