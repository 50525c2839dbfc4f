"""Footer checks (底部功能区, 国办发〔2017〕47号 网页设计规范) on hand-made artifacts, through run_check."""

from __future__ import annotations

import pytest
from builders import footer_page, image, line_rect, line_selector, link

from auditor.artifacts import Script
from auditor.checks import ALL_CHECKS
from auditor.checks.base import run_check
from auditor.checks.footer import (
    footer_conac,
    footer_contact,
    footer_error_report,
    footer_icp,
    footer_police_record,
    footer_site_code,
    footer_sitemap,
    footer_sponsor,
)
from auditor.model import Outcome, SiteSpec

HOME = "https://www.jiangsu.gov.cn/"
BEIAN = "https://beian.miit.gov.cn/"
POLICE_LINK = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
CONAC_CERT = "http://bszs.conac.cn/sitename?method=show&id=0AC8833E8BF70EE9E053012819AC7074"
CONAC_JS = "//dcs.conac.cn/js/33/000/0000/60553604/CA330000000605536040002.js"
JIUCUO_JS = "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"
SITEMAP = "https://www.jiangsu.gov.cn/col/col57754/index.html"
LXWM = "https://www.jiangsu.gov.cn/lxwm.html"
SITE = SiteSpec(url=HOME, name="江苏省人民政府", code="3200000084", sponsor="江苏省人民政府办公厅")
BARE_SITE = SiteSpec(url=HOME)

JIANGSU_LINES = [
    "联系我们 | 网站地图",
    "版权所有：江苏省人民政府",
    "备案序号：苏ICP备05009012号",
    "政府网站标识码：3200000084",
    "江苏省人民政府办公厅主办",
    "苏公网安备:32010602010331号",
]


def jiangsu(lines=None, *, links=None, images=None, scripts=None, **fields):
    """The footer of 江苏省人民政府's site (2024); pass a part to replace it."""
    if links is None:
        links = [
            link(LXWM, "联系我们"),
            link(SITEMAP, "网站地图"),
            link(BEIAN, "苏ICP备05009012号"),
            link(POLICE_LINK + "32010602010331", "苏公网安备:32010602010331号"),
        ]
    if images is None:
        images = [image("https://www.jiangsu.gov.cn/images/dzjg.png", link_href=CONAC_CERT)]
    if scripts is None:
        scripts = [Script(src=JIUCUO_JS, id="_jiucuo_", attrs={"sitecode": "3200000084"})]
    return footer_page(
        JIANGSU_LINES if lines is None else lines,
        links=links,
        images=images,
        scripts=scripts,
        url=HOME,
        **fields,
    )


def without(lines, fragment):
    return [ln for ln in lines if fragment not in ln]


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def assert_missing_in_footer(finding):
    """A missing thing is outlined as the footer region, not as an element."""
    assert finding.outcome is Outcome.FAIL
    assert finding.region == "footer"
    assert finding.rect is None
    assert finding.selector == ""


def assert_at_line(finding, lines, fragment):
    i = next(i for i, ln in enumerate(lines) if fragment in ln)
    assert finding.selector == line_selector(i)
    assert finding.rect == line_rect(i, lines[i])


FOOTER_CHECKS = [
    footer_conac,
    footer_site_code,
    footer_sponsor,
    footer_contact,
    footer_icp,
    footer_police_record,
    footer_sitemap,
    footer_error_report,
]


@pytest.mark.parametrize("chk", FOOTER_CHECKS, ids=lambda c: c.id)
def test_compliant_jiangsu_footer_passes(chk):
    finding = only(run_check(chk, jiangsu(), SITE))
    assert finding.outcome is Outcome.PASS, finding.message
    assert finding.check == chk.id


# -- common runner behaviour -------------------------------------------------------------------


def test_failed_footer_gatherer_makes_footer_checks_error_and_others_run():
    page = jiangsu(errors={"footer": "页面数据采集失败：Execution context was destroyed"})
    outcomes = {c.id: only(run_check(c, page, SITE)) for c in ALL_CHECKS}
    errored = {cid for cid, f in outcomes.items() if f.outcome is Outcome.ERROR}
    assert {"footer-icp", "footer-site-code", "footer-sponsor", "meta-consistency"} <= errored
    for chk in ALL_CHECKS:
        finding = outcomes[chk.id]
        if "footer" in chk.requires:
            assert finding.outcome is Outcome.ERROR
            assert "采集失败" in finding.message
            assert "Execution context was destroyed" in finding.message
        else:
            assert finding.outcome is not Outcome.ERROR, (chk.id, finding.message)


# -- footer-conac ------------------------------------------------------------------------------


def test_conac_missing_fails_pointing_at_footer():
    finding = only(run_check(footer_conac, jiangsu(images=[]), SITE))
    assert_missing_in_footer(finding)
    assert "未找到党政机关网站标识" in finding.message
    assert "bszs.conac.cn" in finding.message


def test_conac_red_error_badge_fails_at_the_badge():
    src = "//dcs.conac.cn/image/red_error.png"
    badge = image(src, link_href=CONAC_CERT, snippet=f'<img id="imgConac" src="{src}">')
    finding = only(run_check(footer_conac, jiangsu(images=[badge]), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "red_error.png" in finding.message
    assert finding.rect == badge.rect
    assert finding.selector == badge.selector


def test_conac_blue_badge_needs_review():
    src = "//dcs.conac.cn/image/blue.png"
    badge = image(src, link_href=CONAC_CERT, snippet=f'<img id="imgConac" src="{src}">')
    finding = only(run_check(footer_conac, jiangsu(images=[badge]), SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "蓝色" in finding.message
    assert finding.rect == badge.rect


def test_conac_script_without_rendered_badge_needs_review():
    page = jiangsu(images=[], scripts=[Script(src=CONAC_JS)])
    finding = only(run_check(footer_conac, page, SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "dcs.conac.cn" in finding.message
    assert finding.data["found"] == CONAC_JS
    assert finding.region == "footer"


def test_conac_rendered_red_badge_passes():
    src = "//dcs.conac.cn/image/red.png"
    badge = image(src, link_href=CONAC_CERT, snippet=f'<img id="imgConac" src="{src}">')
    assert only(run_check(footer_conac, jiangsu(images=[badge]), SITE)).outcome is Outcome.PASS


# -- footer-site-code --------------------------------------------------------------------------


def test_site_code_missing_fails_with_expected_code():
    page = jiangsu(without(JIANGSU_LINES, "标识码"))
    finding = only(run_check(footer_site_code, page, SITE))
    assert_missing_in_footer(finding)
    assert "未找到网站标识码" in finding.message
    assert finding.data["expected"] == "3200000084"


def test_site_code_with_bad_format_fails_at_its_line():
    lines = [*without(JIANGSU_LINES, "标识码"), "政府网站标识码：310000000044"]
    finding = only(run_check(footer_site_code, jiangsu(lines), BARE_SITE))
    assert finding.outcome is Outcome.FAIL
    assert "310000000044" in finding.message
    assert "格式错误" in finding.message
    assert finding.data["found"] == "310000000044"
    assert_at_line(finding, lines, "标识码")


def test_site_code_differing_from_reported_code_fails():
    site = SiteSpec(url=HOME, code="3200000085")
    finding = only(run_check(footer_site_code, jiangsu(), site))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "3200000085", "found": "3200000084"}
    assert "3200000085" in finding.message
    assert "3200000084" in finding.message
    assert_at_line(finding, JIANGSU_LINES, "标识码")


def test_bm_site_code_matches_reported_code_case_insensitively():
    lines = ["主办单位：中华人民共和国工业和信息化部", "网站标识码：bm07000001"]
    site = SiteSpec(url=HOME, code="BM07000001")
    assert only(run_check(footer_site_code, jiangsu(lines), site)).outcome is Outcome.PASS


# -- footer-sponsor ----------------------------------------------------------------------------


def test_sponsor_missing_fails_with_expected_sponsor():
    page = jiangsu(without(JIANGSU_LINES, "主办"))
    finding = only(run_check(footer_sponsor, page, SITE))
    assert_missing_in_footer(finding)
    assert "未找到网站主办单位" in finding.message
    assert finding.data["expected"] == "江苏省人民政府办公厅"


def test_sponsor_only_chengban_fails():
    lines = [*without(JIANGSU_LINES, "主办"), "承办单位：江苏省大数据管理中心"]
    finding = only(run_check(footer_sponsor, jiangsu(lines), BARE_SITE))
    assert_missing_in_footer(finding)


def test_sponsor_differing_from_reported_sponsor_needs_review():
    site = SiteSpec(url=HOME, sponsor="南京市人民政府办公厅")
    finding = only(run_check(footer_sponsor, jiangsu(), site))
    assert finding.outcome is Outcome.REVIEW
    assert finding.data == {"expected": "南京市人民政府办公厅", "found": "江苏省人民政府办公厅"}
    assert_at_line(finding, JIANGSU_LINES, "主办")


def test_sponsor_with_site_suffix_agrees_with_reported_name():
    lines = [*without(JIANGSU_LINES, "主办"), "主办单位：江苏省人民政府办公厅 地址：南京市"]
    site = SiteSpec(url=HOME, sponsor="江苏省人民政府办公厅")
    assert only(run_check(footer_sponsor, jiangsu(lines), site)).outcome is Outcome.PASS


# -- footer-contact ----------------------------------------------------------------------------


def test_contact_missing_fails_even_with_identifier_digits():
    links = [link(BEIAN, "苏ICP备05009012号")]
    finding = only(run_check(footer_contact, jiangsu(links=links), SITE))
    assert_missing_in_footer(finding)
    assert "未找到联系方式" in finding.message


@pytest.mark.parametrize(
    "line",
    ["技术支持电话：022-24538244", "政务服务便民热线：12345", "地址：天津市河东区红星路79号"],
)
def test_contact_phone_or_address_without_link_passes(line):
    page = jiangsu([*JIANGSU_LINES, line], links=[link(BEIAN, "苏ICP备05009012号")])
    assert only(run_check(footer_contact, page, SITE)).outcome is Outcome.PASS


def test_contact_link_in_header_only_fails():
    links = [link(LXWM, "联系我们", region="header")]
    assert only(run_check(footer_contact, jiangsu(links=links), SITE)).outcome is Outcome.FAIL


# -- footer-icp --------------------------------------------------------------------------------


def test_icp_missing_fails_pointing_at_footer():
    page = jiangsu(without(JIANGSU_LINES, "ICP"))
    finding = only(run_check(footer_icp, page, SITE))
    assert_missing_in_footer(finding)
    assert "未找到ICP备案编号" in finding.message
    assert "beian.miit.gov.cn" in finding.message


def test_icp_without_beian_link_fails_at_its_line():
    links = [link(LXWM, "联系我们"), link(SITEMAP, "网站地图")]
    finding = only(run_check(footer_icp, jiangsu(links=links), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "未链接" in finding.message
    assert "苏ICP备05009012号" in finding.message
    assert finding.data == {"found": "苏ICP备05009012号", "expected": BEIAN}
    assert_at_line(finding, JIANGSU_LINES, "ICP")


def test_icp_licence_number_fails_as_not_a_filing_number():
    lines = [*without(JIANGSU_LINES, "ICP"), "京ICP证000001号"]
    finding = only(run_check(footer_icp, jiangsu(lines), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "经营许可证号" in finding.message
    assert_at_line(finding, lines, "ICP证")


def test_icp_with_seven_digits_is_a_problem():
    lines = [*without(JIANGSU_LINES, "ICP"), "苏ICP备0500901号"]
    finding = only(run_check(footer_icp, jiangsu(lines), SITE))
    assert finding.is_problem
    assert "位数不对" in finding.message
    assert "苏ICP备0500901号" in finding.message


def test_icp_unlinked_licence_reports_both_problems():
    lines = [*without(JIANGSU_LINES, "ICP"), "京ICP证000001号"]
    findings = run_check(footer_icp, jiangsu(lines, links=[]), SITE)
    assert [f.outcome for f in findings] == [Outcome.FAIL, Outcome.FAIL]
    assert "经营许可证号" in findings[0].message
    assert "未链接" in findings[1].message


@pytest.mark.parametrize("number", ["沪ICP备2021016245号-1", "京ICP备04000001"])
def test_icp_ten_digits_or_missing_hao_passes_when_linked(number):
    lines = [*without(JIANGSU_LINES, "ICP"), number]
    links = [link(BEIAN, number)]
    assert only(run_check(footer_icp, jiangsu(lines, links=links), SITE)).outcome is Outcome.PASS


# -- footer-police-record ----------------------------------------------------------------------


def test_police_record_missing_fails_pointing_at_footer():
    page = jiangsu(without(JIANGSU_LINES, "公网安备"))
    finding = only(run_check(footer_police_record, page, SITE))
    assert_missing_in_footer(finding)
    assert "未找到公安机关备案号" in finding.message


def test_police_record_nonstandard_form_fails():
    lines = [*without(JIANGSU_LINES, "公网安备"), "沪公安备：31010102045442号"]
    finding = only(run_check(footer_police_record, jiangsu(lines), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "非标准格式" in finding.message
    assert "沪公网安备" in finding.message  # the expected form
    assert_at_line(finding, lines, "公安备")


def test_police_record_legacy_city_form_is_reported_as_nonstandard():
    lines = [*without(JIANGSU_LINES, "公网安备"), "郑公备：41010029000130"]
    finding = only(run_check(footer_police_record, jiangsu(lines), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "非标准格式" in finding.message


def test_police_record_without_link_fails():
    links = [link(LXWM, "联系我们"), link(BEIAN, "苏ICP备05009012号")]
    finding = only(run_check(footer_police_record, jiangsu(links=links), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "未链接" in finding.message
    assert "beian.gov.cn" in finding.message
    assert_at_line(finding, JIANGSU_LINES, "公网安备")


def test_police_record_link_with_other_number_fails():
    links = [link(POLICE_LINK + "32010602010999", "苏公网安备:32010602010331号")]
    finding = only(run_check(footer_police_record, jiangsu(links=links), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "32010602010331", "found": "32010602010999"}
    assert "不一致" in finding.message


# -- footer-sitemap ----------------------------------------------------------------------------


def test_sitemap_missing_fails_pointing_at_footer():
    links = [link(LXWM, "联系我们")]
    finding = only(run_check(footer_sitemap, jiangsu(links=links), SITE))
    assert_missing_in_footer(finding)
    assert "网站地图" in finding.message


def test_sitemap_link_returning_404_fails_at_the_link():
    sitemap = link(SITEMAP, "网站地图")
    page = jiangsu(links=[sitemap], probes={SITEMAP: 404})
    finding = only(run_check(footer_sitemap, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert "HTTP 404" in finding.message
    assert finding.data == {"href": SITEMAP, "status": 404}
    assert finding.rect == sitemap.rect
    assert finding.selector == sitemap.selector


def test_sitemap_link_probe_error_fails():
    page = jiangsu(links=[link(SITEMAP, "站点地图")], probes={SITEMAP: "连接超时"})
    finding = only(run_check(footer_sitemap, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert "连接超时" in finding.message


def test_sitemap_link_probed_ok_passes():
    page = jiangsu(links=[link(SITEMAP, "网站地图")], probes={SITEMAP: 200})
    assert only(run_check(footer_sitemap, page, SITE)).outcome is Outcome.PASS


# -- footer-error-report -----------------------------------------------------------------------


def test_error_report_missing_fails_pointing_at_footer():
    finding = only(run_check(footer_error_report, jiangsu(scripts=[]), SITE))
    assert_missing_in_footer(finding)
    assert "我为政府网站找错" in finding.message


def test_error_report_without_sitecode_fails():
    page = jiangsu(scripts=[Script(src=JIUCUO_JS, id="_jiucuo_")])
    finding = only(run_check(footer_error_report, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert "未设置 sitecode" in finding.message


def test_error_report_sitecode_differing_from_reported_code_fails():
    page = jiangsu(scripts=[Script(src=JIUCUO_JS, id="_jiucuo_", attrs={"sitecode": "4500000001"})])
    finding = only(run_check(footer_error_report, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "3200000084", "found": ["4500000001"]}
    assert "4500000001" in finding.message


def test_error_report_sitecode_is_compared_with_footer_code_when_none_reported():
    henan = (
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4500000001"
        "&url=https%3A%2F%2Fwww.henan.gov.cn%2F"
    )
    entry = link(henan)
    page = jiangsu(scripts=[], links=[entry])
    finding = only(run_check(footer_error_report, page, BARE_SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["expected"] == "3200000084"  # the footer's 网站标识码
    assert finding.rect == entry.rect


def test_error_report_on_legacy_pucha_host_needs_review():
    legacy = Script(
        src="http://pucha.kaipuyun.cn/exposure/jiucuo.js",
        id="_jiucuo_",
        attrs={"sitecode": "3200000084"},
    )
    finding = only(run_check(footer_error_report, jiangsu(scripts=[legacy]), SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "pucha.kaipuyun.cn" in finding.message
