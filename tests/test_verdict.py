"""The national verdict from hand-made results: veto, caps, the 60 line, and the table itself."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from auditor.checks import CHECKS_BY_ID
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    Role,
    RunResult,
    Severity,
    SiteResult,
    SiteSpec,
)
from auditor.verdict import (
    FAIL_LABEL,
    PASS_LABEL,
    UNCHECKED_LABEL,
    ScoringError,
    default_table,
    judge,
    load_table,
    parse_table,
    stamp,
)

HOME = "https://www.example.gov.cn/"
COL = "https://www.example.gov.cn/col/yw/index.html"
ART = "https://www.example.gov.cn/art/1.html"

# A small table whose numbers make the arithmetic visible.
TABLE = """
[scoring]
name = "测试表"
total = 100
pass_line = 60

[indicators."功能设计"]
cap = 30
[indicators."功能设计/网站标识"]
cap = 5
[indicators."功能设计/页面标签"]
cap = 50

[checks.page-availability]
role = "veto"
indicator = "单项否决/站点无法访问"
pages = ["home"]

[checks.homepage-freshness]
role = "veto"
indicator = "单项否决/首页不更新"

[checks.column-update]
role = "veto"
indicator = "单项否决/栏目不更新"

[checks.footer-icp]
role = "deduct"
indicator = "功能设计/网站标识"
points = 4
cap = 4

[checks.footer-sponsor]
role = "deduct"
indicator = "功能设计/网站标识"
points = 3
cap = 3

[checks.meta-tags]
role = "deduct"
indicator = "功能设计/页面标签"
points = 10
cap = 25
per = "page"

[checks.link-health]
role = "deduct"
indicator = "可用性"
points = 1.5
cap = 100
per = "finding"

[checks.meta-consistency]
role = "info"
indicator = "功能设计/页面标签"
"""


def f(check: str, outcome: Outcome = Outcome.FAIL, page: str = HOME, msg: str = "问题") -> Finding:
    return Finding(
        check=check,
        outcome=outcome,
        severity=Severity.SERIOUS,
        role=Role.DEDUCT,
        indicator="x",
        message=msg,
        page_url=page,
    )


def site(
    *pages: tuple[str, PageType, list[Finding]], findings: list[Finding] | None = None
) -> SiteResult:
    return SiteResult(
        site=SiteSpec(url=HOME, name="某市人民政府"),
        pages=[PageResult(url=u, page_type=t, findings=fs) for u, t, fs in pages],
        findings=findings or [],
    )


@pytest.fixture
def table():
    return parse_table(TABLE, "test.toml")


def test_a_failing_veto_check_fails_the_site_without_a_score(table):
    result = site((HOME, PageType.HOME, [f("homepage-freshness", msg="首页已超过20天未更新")]))
    v = judge(result, table)
    assert v.label == FAIL_LABEL and v.score is None
    assert [x.indicator for x in v.vetoes] == ["单项否决/首页不更新"]
    assert v.decisive == ["单项否决：首页不更新（homepage-freshness）"]


def test_a_site_level_veto_finding_counts(table):
    result = site((HOME, PageType.HOME, []), findings=[f("column-update", page=HOME)])
    assert judge(result, table).label == FAIL_LABEL


def test_a_veto_check_passing_or_in_review_does_not_fail_the_site(table):
    result = site(
        (
            HOME,
            PageType.HOME,
            [f("homepage-freshness", Outcome.PASS), f("column-update", Outcome.REVIEW)],
        ),
    )
    v = judge(result, table)
    assert v.label == PASS_LABEL and v.score == 100
    assert v.review == ("column-update",)


def test_veto_limited_to_home_pages_ignores_an_inner_page_that_failed(table):
    result = site(
        (HOME, PageType.HOME, [f("page-availability", Outcome.PASS)]),
        (COL, PageType.COLUMN, [f("page-availability", page=COL)]),
    )
    assert judge(result, table).label == PASS_LABEL
    home_down = site((HOME, PageType.HOME, [f("page-availability")]))
    assert judge(home_down, table).label == FAIL_LABEL


def test_a_check_deducts_once_per_site_by_default_however_many_pages_fail(table):
    result = site(
        (HOME, PageType.HOME, [f("footer-icp")]),
        (COL, PageType.COLUMN, [f("footer-icp", page=COL)]),
    )
    v = judge(result, table)
    assert v.score == 96
    assert v.deductions[0].checks == (("footer-icp", 4.0, 1),)


def test_per_page_deductions_stop_at_the_check_cap(table):
    pages = [
        (f"{HOME}p{i}.html", PageType.ARTICLE, [f("meta-tags", page=f"{HOME}p{i}.html")])
        for i in range(4)
    ]
    v = judge(site(*pages), table)
    # 4 pages × 10 = 40, capped at the check's 25
    assert v.score == 75
    assert v.deductions[0].checks == (("meta-tags", 25.0, 4),)


def test_per_finding_deductions_count_each_problem(table):
    three = [f("link-health", msg=f"链接{i}无法访问") for i in range(3)]
    assert judge(site((HOME, PageType.HOME, three)), table).score == 95.5


def test_the_same_problem_on_many_pages_is_deducted_once(table):
    urls = [f"{HOME}col/{i}.html" for i in range(3)]
    repeated = site(*((u, PageType.COLUMN, [f("link-health", page=u)]) for u in urls))
    assert judge(repeated, table).score == 98.5


def test_deductions_under_one_indicator_stop_at_the_indicator_cap(table):
    result = site((HOME, PageType.HOME, [f("footer-icp"), f("footer-sponsor")]))
    v = judge(result, table)
    # 4 + 3 = 7 under 功能设计/网站标识, capped at 5
    assert v.score == 95
    (d,) = v.deductions
    assert (d.indicator, d.points, d.raw) == ("功能设计/网站标识", 5.0, 7.0)


def test_a_parent_indicator_caps_its_children_together(table):
    pages = [
        (f"{HOME}p{i}.html", PageType.ARTICLE, [f("meta-tags", page=f"{HOME}p{i}.html")])
        for i in range(3)
    ]
    pages.append((HOME, PageType.HOME, [f("footer-icp"), f("footer-sponsor")]))
    v = judge(site(*pages), table)
    # 网站标识 5 + 页面标签 25 = 30 = 功能设计's cap; nothing above it
    assert v.score == 70
    pages.append((ART, PageType.ARTICLE, [f("meta-tags", page=ART)]))  # still 25 (check cap)
    assert judge(site(*pages), table).score == 70


@pytest.mark.parametrize(
    "points, label", [(40, PASS_LABEL), (40.5, FAIL_LABEL), (39.5, PASS_LABEL)]
)
def test_the_sixty_line_passes_at_sixty_and_fails_below(points, label):
    text = f"""
[scoring]
name = "t"
[checks.footer-icp]
role = "deduct"
indicator = "功能设计/网站标识"
points = {points}
"""
    v = judge(site((HOME, PageType.HOME, [f("footer-icp")])), parse_table(text))
    assert v.label == label
    assert v.score == 100 - points
    if label == FAIL_LABEL:
        assert v.decisive[0].startswith(f"得分{100 - points:g}分，低于合格线")


def test_info_checks_and_unknown_checks_never_deduct(table):
    result = site((HOME, PageType.HOME, [f("meta-consistency"), f("made-up-check")]))
    v = judge(result, table)
    assert v.score == 100 and v.unscored == ("made-up-check",)


def test_a_site_without_pages_is_not_checked(table):
    assert judge(SiteResult(site=SiteSpec(url=HOME)), table).label == UNCHECKED_LABEL


# -- the table ---------------------------------------------------------------------------------


def test_default_table_scores_every_check_with_its_own_default_row():
    table = default_table()
    assert set(table.rules) == set(CHECKS_BY_ID)
    for cid, chk in CHECKS_BY_ID.items():
        rule = table.rules[cid]
        assert (rule.role, rule.indicator) == (chk.role, chk.indicator), cid
        assert rule.points == chk.scoring.points and rule.source == chk.scoring.basis, cid


def test_default_table_says_where_every_number_comes_from_and_marks_guesses():
    for cid, rule in default_table().rules.items():
        assert rule.source.strip(), cid
        if rule.points > 0:  # no per-item point value of 国办秘函〔2019〕19号 is verified
            assert rule.verified is False and "未核实" in rule.source, cid
    raw = tomllib.loads(
        resources.files("auditor.data").joinpath("scoring.toml").read_text(encoding="utf-8")
    )
    assert "checks" not in raw, "check rows live with the checks (@check(scoring=…))"
    for path, entry in raw["indicators"].items():
        assert entry["source"].strip() and "verified" in entry, path
    assert raw["scoring"]["pass_line"] == 60 and raw["scoring"]["total"] == 100


def test_a_province_table_without_check_rows_keeps_the_checks_defaults():
    table = parse_table('[scoring]\nname = "某省表"\npass_line = 80\n', "p.toml")
    assert table.pass_line == 80 and table.rules == default_table().rules


def test_findings_carry_the_role_of_the_table_in_use():
    text = TABLE.replace('role = "deduct"', 'role = "veto"', 1)
    province = parse_table(text, "p.toml")
    (cid, rule), *_ = province.rules.items()
    run = RunResult(started="", sites=[site((HOME, PageType.HOME, [f(cid)]))])
    (finding,) = stamp(run, province).sites[0].pages[0].findings
    assert finding.role is rule.role is Role.VETO and finding.indicator == rule.indicator


def test_scoring_file_replaces_the_default_table(tmp_path: Path):
    path = tmp_path / "sichuan.toml"
    path.write_text(TABLE, encoding="utf-8")
    table = load_table(path)
    assert table.name == "测试表" and "domain-name" not in table.rules
    assert load_table(None).name == default_table().name


@pytest.mark.parametrize(
    "entry, expected",
    [
        ('role = "fatal"\nindicator = "x"', "role='fatal'"),
        ('role = "deduct"', "缺少 indicator"),
        ('role = "deduct"\nindicator = "x"\npoints = -1', "points=-1"),
        ('role = "deduct"\nindicator = "x"\nper = "day"', "per='day'"),
    ],
)
def test_a_bad_scoring_entry_is_named_in_the_error(entry, expected):
    with pytest.raises(ScoringError, match=expected) as info:
        parse_table(f"[checks.footer-icp]\n{entry}\n", "bad.toml")
    assert "bad.toml [checks.footer-icp]" in str(info.value)
