"""Availability, domain and header-name checks (国办发〔2017〕47号; 国办秘函〔2019〕19号)."""

from __future__ import annotations

import pytest
from builders import footer_page, header_region, image, meta_page

from auditor.artifacts import Artifacts
from auditor.checks import ALL_CHECKS
from auditor.checks.availability import domain_name, page_availability
from auditor.checks.base import run_check
from auditor.checks.header import header_site_name
from auditor.model import Outcome, PageType, Rect, SiteSpec

SITE = SiteSpec(url="https://www.jiangsu.gov.cn/")


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


# -- page-availability -------------------------------------------------------------------------


def test_page_loaded_with_200_passes():
    page = Artifacts(url=SITE.url, final_url=SITE.url, status=200, load_ms=800)
    assert only(run_check(page_availability, page, SITE)).outcome is Outcome.PASS


def test_page_timeout_fails_with_kind_timeout():
    page = Artifacts(
        url=SITE.url,
        load_error="页面15秒内未打开",
        loading={"kind": "timeout", "transient": False, "attempts": 2, "failures": []},
        load_ms=15012.4,
    )
    finding = only(run_check(page_availability, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["kind"] == "timeout" and finding.data["load_ms"] == 15012
    assert finding.data["attempts"] == 2 and "共尝试2次" in finding.message
    assert "无法正常打开" in finding.message
    assert "页面15秒内未打开" in finding.message
    assert finding.region == "page"


def test_page_dns_failure_fails_with_kind_dns():
    page = Artifacts(url=SITE.url, load_error="域名无法解析", loading={"kind": "dns"})
    finding = only(run_check(page_availability, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["kind"] == "dns"


@pytest.mark.parametrize("status", [404, 500, 503])
def test_page_http_error_status_fails(status):
    page = Artifacts(url=SITE.url, final_url=SITE.url, status=status)
    finding = only(run_check(page_availability, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert f"HTTP {status}" in finding.message
    assert finding.data["kind"] == "http-error" and finding.data["status"] == status


@pytest.mark.parametrize(
    "page",
    [
        Artifacts(url=SITE.url, load_error="超过 15 秒未能打开：Timeout"),
        Artifacts(url=SITE.url, status=404),
    ],
    ids=["load-error", "http-404"],
)
def test_unloaded_page_makes_every_other_check_not_applicable(page):
    for chk in ALL_CHECKS:
        finding = only(run_check(chk, page, SITE))
        if chk.id == "page-availability":
            assert finding.outcome is Outcome.FAIL
        else:
            assert finding.outcome is Outcome.NOT_APPLICABLE, chk.id
            assert "page-availability" in finding.message


# -- domain-name -------------------------------------------------------------------------------


def at(url, page_type=PageType.HOME):
    return Artifacts(url=url, final_url=url, status=200, page_type=page_type)


@pytest.mark.parametrize(
    "url",
    [
        "http://www.beijing.gov.cn/",
        "https://slj.bd.gov.cn/",
        "http://WWW.MOFCOM.GOV.CN/",
        "http://www.beijing.gov.cn:8080/",
    ],
)
def test_government_domain_passes(url):
    assert only(run_check(domain_name, at(url), SiteSpec(url=url))).outcome is Outcome.PASS


def test_central_government_portal_domain_passes():
    url = "https://www.gov.cn/"
    assert only(run_check(domain_name, at(url), SiteSpec(url=url))).outcome is Outcome.PASS


def test_non_gov_domain_fails():
    finding = only(run_check(domain_name, at("https://example.com/"), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "example.com" in finding.message
    assert ".gov.cn" in finding.message
    assert finding.data == {"host": "example.com", "expected": "*.gov.cn"}


def test_gov_cn_lookalike_domain_fails():
    finding = only(run_check(domain_name, at("https://www.beijing-gov.cn/"), SITE))
    assert finding.outcome is Outcome.FAIL


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/", "http://[::1]/"])
def test_ip_address_host_fails_with_ip_message(url):
    finding = only(run_check(domain_name, at(url), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "IP 地址" in finding.message


def test_deep_gov_domain_needs_review():
    finding = only(run_check(domain_name, at("https://a.b.c.gov.cn/"), SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "a.b.c.gov.cn" in finding.message
    assert "层级不规范" in finding.message


def test_domain_is_judged_on_final_url_after_redirect():
    page = at("http://bj.example.com/")
    page.final_url = "https://www.beijing.gov.cn/"
    assert only(run_check(domain_name, page, SITE)).outcome is Outcome.PASS


def test_domain_name_is_not_applicable_on_inner_pages():
    page = at("https://example.com/col/col1/index.html", PageType.COLUMN)
    assert only(run_check(domain_name, page, SITE)).outcome is Outcome.NOT_APPLICABLE


# -- header-site-name --------------------------------------------------------------------------

NAME = "江苏省人民政府"


def with_header(text="", *, images=(), site_name=NAME, title=""):
    metas = {"SiteName": site_name} if site_name else {}
    return footer_page(
        [], images=images, metas=metas, header=header_region(text), title=title, url=SITE.url
    )


def test_header_text_containing_site_name_passes():
    page = with_header("江苏省人民政府 无障碍 长者版", title="江苏省人民政府")
    assert only(run_check(header_site_name, page, SITE)).outcome is Outcome.PASS


def test_header_logo_alt_naming_the_site_passes():
    logo = image(
        "https://www.jiangsu.gov.cn/logo.png", alt="江苏省人民政府门户网站", region="header"
    )
    page = with_header("首页 无障碍", images=[logo])
    assert only(run_check(header_site_name, page, SITE)).outcome is Outcome.PASS


def test_header_logo_without_alt_needs_review_at_the_logo():
    logo = image("https://www.jiangsu.gov.cn/logo.png", region="header")
    page = with_header("首页 无障碍", images=[logo])
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "人工核对" in finding.message
    assert finding.data["expected"] == NAME
    assert finding.rect == logo.rect
    assert finding.selector == logo.selector


def test_logo_in_the_top_band_outside_a_found_header_still_needs_review():
    # No header element or banner was found: a picture drawn at the top is still the logo.
    logo = image(
        "https://www.jiangsu.gov.cn/logo.png", region="", rect=Rect(40.0, 20.0, 400.0, 80.0)
    )
    page = with_header("首页 无障碍", images=[logo])
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.REVIEW and finding.rect == logo.rect


def test_header_without_name_or_images_fails_pointing_at_header():
    page = with_header("首页 无障碍 长者版")
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert f"未展示网站名称“{NAME}”" in finding.message
    assert finding.region == "header"
    assert finding.rect is None
    assert finding.data == {"expected": NAME, "found": ["首页 无障碍 长者版"]}


def test_reported_name_differing_from_site_name_tag_fails():
    site = SiteSpec(url=SITE.url, name="南京市人民政府")
    page = with_header("南京市人民政府", title="南京市人民政府")
    finding = only(run_check(header_site_name, page, site))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "南京市人民政府", "found": NAME}
    assert "SiteName" in finding.message


def test_reported_name_with_site_suffix_agrees_with_site_name_tag():
    site = SiteSpec(url=SITE.url, name="江苏省人民政府门户网站")
    page = with_header("江苏省人民政府", title="江苏省人民政府")
    assert only(run_check(header_site_name, page, site)).outcome is Outcome.PASS


def test_title_without_site_name_needs_review():
    page = with_header(NAME, title="首页")
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "<title>" in finding.message


def test_no_site_name_anywhere_needs_review():
    page = with_header("首页", site_name="")
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "无法确定网站名称" in finding.message


def test_failed_header_gatherer_makes_header_check_error():
    page = meta_page(SiteName=NAME)
    page.errors = {"header": "页面数据采集失败：boom"}
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.ERROR
    assert finding.message == "无法判定：页面数据采集失败：boom"
    assert finding.data["gatherers"] == {"header": "页面数据采集失败：boom"}


def test_header_showing_another_organ_name_needs_review():
    page = with_header("宜春市人民政府 首页 政务公开", site_name="中国宜春", title="中国宜春")
    finding = only(run_check(header_site_name, page, SiteSpec(url=SITE.url)))
    assert finding.outcome is Outcome.REVIEW
    assert finding.data["found"] == "宜春市人民政府"


def test_header_links_like_personal_center_are_not_an_organ_name():
    page = with_header("个人中心 中国政府网 无障碍", title=NAME)
    finding = only(run_check(header_site_name, page, SITE))
    assert finding.outcome is Outcome.FAIL
