"""无法判定 rather than a guess: verdicts, load failures and error texts, without a browser."""

from __future__ import annotations

import pytest
from helpers import nested
from test_verdict import COL, HOME, TABLE, f, site

from auditor.artifacts import Artifacts
from auditor.checks import run_check
from auditor.checks.availability import page_availability
from auditor.errors import describe, first_line, human_load_error
from auditor.model import Outcome, PageType, SiteSpec
from auditor.verdict import FAIL_LABEL, PASS_LABEL, UNDECIDED_LABEL, judge, parse_table


@pytest.fixture
def table():
    return parse_table(TABLE, "test.toml")


def test_a_veto_check_that_could_not_run_makes_the_site_undecided(table):
    result = site((HOME, PageType.HOME, [f("homepage-freshness", Outcome.ERROR, msg="采集失败")]))
    v = judge(result, table)
    assert v.label == UNDECIDED_LABEL and v.score is None and not v.passed
    assert v.undecided == ("单项否决指标“首页不更新”未能检查（homepage-freshness）：采集失败",)
    assert v.decisive == list(v.undecided)


def test_a_judged_veto_failure_stands_even_when_another_veto_could_not_run(table):
    result = site(
        (
            HOME,
            PageType.HOME,
            [f("homepage-freshness"), f("page-availability", Outcome.ERROR)],
        )
    )
    assert judge(result, table).label == FAIL_LABEL


def test_a_veto_error_on_a_page_type_the_rule_ignores_does_not_block_the_verdict(table):
    result = site(
        (HOME, PageType.HOME, [f("page-availability", Outcome.PASS)]),
        (COL, PageType.COLUMN, [f("page-availability", Outcome.ERROR, page=COL)]),
    )
    assert judge(result, table).label == PASS_LABEL


def test_unrun_deductions_that_could_cross_the_pass_line_make_the_site_undecided(table):
    # meta-tags fails on three pages (25 capped), link-health errors (worth up to 100 > 10).
    result = site(
        (HOME, PageType.HOME, [f("meta-tags"), f("link-health", Outcome.ERROR)]),
    )
    v = judge(result, table)
    assert v.label == UNDECIDED_LABEL
    assert "link-health" in v.undecided[0]


def test_small_unrun_deductions_leave_a_clear_pass(table):
    result = site((HOME, PageType.HOME, [f("footer-sponsor", Outcome.ERROR)]))
    v = judge(result, table)
    assert v.label == PASS_LABEL and v.score == 100
    assert v.review == ("footer-sponsor",)


def test_a_score_already_under_the_line_fails_whatever_could_not_run(table):
    table = parse_table(TABLE.replace("pass_line = 60", "pass_line = 99"), "t")
    result = site((HOME, PageType.HOME, [f("footer-icp"), f("homepage-freshness", Outcome.ERROR)]))
    assert judge(result, table).label == FAIL_LABEL


def test_an_unfinished_site_is_undecided(table):
    result = site((HOME, PageType.HOME, [f("homepage-freshness", Outcome.PASS)]))
    result.unfinished = "检查超过时限（15分钟）仍未完成"
    v = judge(result, table)
    assert v.label == UNDECIDED_LABEL and "检查超过时限" in v.undecided[0]


def test_the_verdict_is_the_same_every_time_for_the_same_findings(table):
    result = site((HOME, PageType.HOME, [f("homepage-freshness", Outcome.ERROR)]))
    assert len({judge(result, table).to_dict().__repr__() for _ in range(5)}) == 1


# -- page-availability after retries ------------------------------------------------------------


def failed_page(**loading) -> Artifacts:
    return Artifacts(url=HOME, load_error="页面加载被另一次跳转打断", loading=loading)


def test_a_browser_hiccup_on_every_attempt_is_an_error_not_a_veto():
    page = failed_page(kind="browser", transient=True, attempts=3, failures=[{}, {}, {}])
    (finding,) = run_check(page_availability, page, SiteSpec(url=HOME))
    assert finding.outcome is Outcome.ERROR
    assert "3次" in finding.message and "无法判定" in finding.message


def test_a_refused_connection_after_two_attempts_fails_and_reports_them():
    page = Artifacts(
        url=HOME,
        load_error="连接被拒绝",
        loading={"kind": "refused", "transient": False, "attempts": 2, "failures": [{}, {}]},
    )
    (finding,) = run_check(page_availability, page, SiteSpec(url=HOME))
    assert finding.outcome is Outcome.FAIL and "共尝试2次" in finding.message
    assert finding.data["attempts"] == 2 and finding.data["kind"] == "refused"


# -- error texts --------------------------------------------------------------------------------


class UnprintableError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (TimeoutError(), "TimeoutError"),
        (Exception(12345, None), "Exception: (12345, None)"),
        (Exception("\n\n  第二行才有字  \nmore"), "Exception: 第二行才有字"),
        (UnprintableError(), "UnprintableError"),
        (nested("内层原因"), "ValueError: 内层原因"),
    ],
)
def test_describe_never_fails_and_finds_the_words(exc, expected):
    assert describe(exc) == expected


def test_first_line_of_nothing_is_empty():
    assert first_line("") == "" and first_line(None) == "None"


@pytest.mark.parametrize(
    ("raw", "kind", "words", "transient"),
    [
        ("Page.goto: net::ERR_CONNECTION_REFUSED at http://x/", "refused", "连接被拒绝", False),
        ("Page.goto: net::ERR_NAME_NOT_RESOLVED at http://x/", "dns", "域名无法解析", False),
        ("APIRequestContext.get: getaddrinfo ENOTFOUND x.gov.cn", "dns", "域名无法解析", False),
        ("Page.goto: Timeout 15000ms exceeded.", "timeout", "页面15秒内未打开", False),
        ("Page.goto: net::ERR_UNSAFE_REDIRECT at http://x/", "redirect", "非网页地址", False),
        (
            "Page.goto: Navigation to http://a/ is interrupted by another navigation to "
            "chrome-error://chromewebdata/",
            "browser",
            "打断",
            True,
        ),
        ("Page.goto: net::ERR_SOMETHING_NEW at http://x/", "error", "网络错误", False),
    ],
)
def test_browser_errors_become_chinese_sentences(raw, kind, words, transient):
    why = human_load_error(raw)
    assert (why.kind, why.transient) == (kind, transient)
    assert words in why.message
    assert "net::" not in why.message and "Page.goto" not in why.message
    assert why.detail == raw.splitlines()[0]
