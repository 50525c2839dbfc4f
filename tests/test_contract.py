"""The artifact contract: a gatherer that failed or was skipped never lets a check pass.

Each gatherer's failure is set in turn on every field it fills; every check reading that field
must say error (failed) or not_applicable (skipped), whatever else the page holds.
"""

from __future__ import annotations

import pytest

from auditor.artifacts import Artifacts
from auditor.checks import ALL_CHECKS, run_check
from auditor.gather import GATHERERS
from auditor.model import Outcome, PageType, SiteSpec

SITE = SiteSpec(url="https://www.example.gov.cn/", name="某市人民政府")
CASES = [
    pytest.param(g, name, chk, page_type, id=f"{g.key}-{name}-{chk.id}-{page_type.value}")
    for g in GATHERERS
    for name in g.fields
    for chk in ALL_CHECKS
    if name in chk.requires
    for page_type in chk.page_types
]
PROBE_CASES = [c for c in CASES if c.values[1] in ("axe", "mobile", "elderly", "interaction")]
SKIPPABLE_CASES = [c for c in CASES if c.values[0].skippable]


def page(page_type: PageType) -> Artifacts:
    return Artifacts(url=SITE.url, final_url=SITE.url, status=200, page_type=page_type)


def test_every_gatherer_field_some_check_reads_is_covered() -> None:
    read = {name for chk in ALL_CHECKS for name in chk.requires}
    assert read <= {name for g in GATHERERS for name in g.fields}
    assert len(CASES) > 40


@pytest.mark.parametrize(("gatherer", "name", "chk", "page_type"), CASES)
def test_a_failed_gatherer_makes_every_check_reading_it_an_error(gatherer, name, chk, page_type):
    art = page(page_type)
    art.errors[name] = f"{gatherer.label}：超过时限未完成"
    (finding,) = run_check(chk, art, SITE)
    assert finding.outcome is Outcome.ERROR
    assert gatherer.label in finding.message


@pytest.mark.parametrize(("gatherer", "name", "chk", "page_type"), PROBE_CASES)
def test_a_failure_reported_inside_a_probe_result_is_an_error_too(gatherer, name, chk, page_type):
    art = page(page_type)
    setattr(art, name, {"error": "探测程序出错"})
    (finding,) = run_check(chk, art, SITE)
    assert finding.outcome is Outcome.ERROR and "探测程序出错" in finding.message


@pytest.mark.parametrize(("gatherer", "name", "chk", "page_type"), SKIPPABLE_CASES)
def test_a_skipped_gatherer_makes_every_check_reading_it_not_applicable(
    gatherer, name, chk, page_type
):
    art = page(page_type)
    art.skipped = [gatherer.key]
    (finding,) = run_check(chk, art, SITE)
    assert finding.outcome is Outcome.NOT_APPLICABLE
    assert f"--skip {gatherer.key}" in finding.message


def test_an_interaction_probe_that_failed_is_no_pass_for_the_channel_veto() -> None:
    from auditor.checks import CHECKS_BY_ID

    art = page(PageType.HOME)
    art.errors["interaction"] = "互动功能探测：程序内部错误"
    for cid in ("interaction-channel", "message-response", "site-search", "annual-report"):
        (finding,) = run_check(CHECKS_BY_ID[cid], art, SITE)  # type: ignore[arg-type]
        assert finding.outcome is Outcome.ERROR, cid
