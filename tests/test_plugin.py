"""The pytest plugin, run in a throw-away pytest session (pytester) against the demo site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.demo.server import DemoServer

SPECS = Path(__file__).resolve().parent.parent / "specs"


@pytest.fixture
def specs_copy(pytester: pytest.Pytester) -> pytest.Pytester:
    for module in SPECS.glob("test_*.py"):
        shutil.copy(module, pytester.path / module.name)
    return pytester


@pytest.mark.browser
def test_specs_fail_on_violations_with_chinese_messages_and_evidence(
    specs_copy: pytest.Pytester, demo_server: DemoServer
) -> None:
    evidence = specs_copy.path / "evidence"
    result = specs_copy.runpytest_subprocess(
        f"--site={demo_server.url}",
        "--auditor-local-only",
        f"--evidence-dir={evidence}",
        "--max-pages=4",
        "--junitxml=junit.xml",
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
    junit = (specs_copy.path / "junit.xml").read_text(encoding="utf-8")
    assert 'name="evidence"' in junit  # user_properties reach the JUnit report


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


def test_without_a_site_every_spec_is_skipped_with_the_reason(
    specs_copy: pytest.Pytester,
) -> None:
    result = specs_copy.runpytest_subprocess("-rs", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) >= 4 and "passed" not in outcomes
    result.stdout.fnmatch_lines(["*未指定要检查的网站*"])


def test_malformed_site_url_is_a_usage_error(specs_copy: pytest.Pytester) -> None:
    result = specs_copy.runpytest_subprocess("--site=ht!tp://bad url", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--site*"])
