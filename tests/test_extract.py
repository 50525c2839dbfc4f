"""Reading the identity items out of footer/header text: pure functions, hand-made artifacts."""

from __future__ import annotations

import pytest
from builders import (
    footer_page,
    header_region,
    image,
    line_rect,
    line_selector,
    link,
)

from auditor.artifacts import Script
from auditor.extract import page as extract

BEIAN = "https://beian.miit.gov.cn/"
POLICE_LINK = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
CONAC_CERT = "http://bszs.conac.cn/sitename?method=show&id=0AC8833E8BF70EE9E053012819AC7074"
CONAC_JS = "//dcs.conac.cn/js/33/000/0000/60553604/CA330000000605536040002.js"
JIUCUO_JS = "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"


# -- 网站标识码 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("政府网站标识码：3200000084", "3200000084"),
        ("网站标识码：1304000009", "1304000009"),
        ("标识码：bm07000001", "bm07000001"),
        ("网站标识码：BM07000001", "bm07000001"),
        ("网站标识码:3100000044", "3100000044"),  # ASCII colon
        ("政府网站标识码：3200\u00a0000\u3000084", "3200000084"),  # NBSP / ideographic space
        ("政府网站标识码：3200 0000 84", "3200000084"),
    ],
)
def test_site_code_is_read_and_normalised(line, value):
    found = extract.site_code(footer_page(["版权所有：某某人民政府", line]))
    assert found is not None
    assert found.value == value
    assert extract.is_valid_site_code(found.value)


def test_site_code_block_is_the_line_that_shows_it():
    found = extract.site_code(footer_page(["主办单位：江苏省人民政府办公厅", "标识码：3200000084"]))
    assert found is not None
    assert found.block is not None
    assert found.block.selector == line_selector(1)
    assert found.block.rect == line_rect(1, "标识码：3200000084")


def test_twelve_digit_site_code_typo_is_kept_as_found_and_is_invalid():
    found = extract.site_code(footer_page(["政府网站标识码：310000000044"]))
    assert found is not None
    assert found.value == "310000000044"
    assert not extract.is_valid_site_code(found.value)


def test_footer_without_site_code_gives_none():
    assert extract.site_code(footer_page(["版权所有：江苏省人民政府", "苏ICP备05009012号"])) is None


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("3200000084", True),
        ("bm07000001", True),
        ("6500000001", True),
        ("9900000001", False),  # 99 is no province
        ("1000000001", False),
        ("320000008", False),
        ("bm0700001", False),
        ("BM07000001", False),  # callers lower-case first
    ],
)
def test_site_code_validity_follows_province_prefix_or_bm(code, valid):
    assert extract.is_valid_site_code(code) is valid


def test_site_code_followed_by_another_number_keeps_only_the_code():
    found = extract.site_code(footer_page(["网站标识码：1200000052 022-24538244"]))
    assert found is not None
    assert found.value == "1200000052"


# -- ICP备案编号 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value", "digits", "has_hao", "suffix"),
    [
        ("备案序号：苏ICP备05009012号", "苏ICP备05009012号", "05009012", True, None),
        ("沪ICP备2021016245号-1", "沪ICP备2021016245号-1", "2021016245", True, "1"),
        ("京ICP备04000001号-2", "京ICP备04000001号-2", "04000001", True, "2"),
        ("京ICP备04000001", "京ICP备04000001号", "04000001", False, None),  # 号 missing
        ("京ICP备 04000001号", "京ICP备04000001号", "04000001", True, None),  # space after 备
        ("蜀ICP备10014763号", "蜀ICP备10014763号", "10014763", True, None),
    ],
)
def test_icp_number_is_read(line, value, digits, has_hao, suffix):
    found = extract.icp(footer_page([line]))
    assert found is not None
    assert found.value == value
    assert found.data["kind"] == "备"
    assert found.data["digits"] == digits
    assert found.data["has_hao"] is has_hao
    assert found.data["suffix"] == suffix


def test_icp_licence_number_is_read_as_kind_zheng():
    found = extract.icp(footer_page(["京ICP证000001号"]))
    assert found is not None
    assert found.data["kind"] == "证"
    assert found.value == "京ICP证000001号"


def test_icp_linked_to_beian_miit_is_marked_linked():
    page = footer_page(["苏ICP备05009012号"], links=[link(BEIAN, "苏ICP备05009012号")])
    found = extract.icp(page)
    assert found is not None
    assert found.data["linked"] is True
    assert found.data["link"] == BEIAN


def test_icp_without_beian_link_is_not_linked():
    page = footer_page(
        ["苏ICP备05009012号"], links=[link("https://www.example.gov.cn/", "苏ICP备05009012号")]
    )
    found = extract.icp(page)
    assert found is not None
    assert found.data["linked"] is False
    assert found.data["link"] == ""


def test_footer_without_icp_gives_none():
    assert extract.icp(footer_page(["苏公网安备:32010602010331号"])) is None


# -- 公安机关备案 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "digits", "has_hao"),
    [
        ("苏公网安备:32010602010331号", "32010602010331", True),
        ("京公网安备11010602060030号", "11010602060030", True),
        ("粤公网安备号44030402003007", "44030402003007", False),
        ("沪公网安备 31010102004544号", "31010102004544", True),
        ("津公网安备 ：12010302000991号", "12010302000991", True),
    ],
)
def test_standard_police_record_is_read(line, digits, has_hao):
    found = extract.police_record(footer_page([line]))
    assert found is not None
    assert found.data["digits"] == digits
    assert found.data["has_hao"] is has_hao
    assert found.data["standard"] is True
    assert found.value == f"{line[0]}公网安备{digits}号"


def test_legacy_gongan_bei_form_is_not_standard():
    found = extract.police_record(footer_page(["沪公安备：31010102045442号"]))
    assert found is not None
    assert found.data["digits"] == "31010102045442"
    assert found.data["standard"] is False


def test_legacy_city_gongbei_form_is_found_and_not_standard():
    found = extract.police_record(footer_page(["郑公备：41010029000130"]))
    assert found is not None
    assert found.data["digits"] == "41010029000130"
    assert found.data["standard"] is False


def test_police_record_link_recordcode_is_extracted():
    page = footer_page(
        ["苏公网安备:32010602010331号"],
        links=[link(POLICE_LINK + "32010602010331", "苏公网安备:32010602010331号")],
    )
    found = extract.police_record(page)
    assert found is not None
    assert found.data["link_codes"] == ["32010602010331"]


def test_police_record_without_link_has_no_link_codes():
    found = extract.police_record(footer_page(["苏公网安备:32010602010331号"]))
    assert found is not None
    assert found.data["link_codes"] == []


# -- 主办单位 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("主办单位：上海市人民政府办公厅", "上海市人民政府办公厅"),
        ("主办：河南省人民政府办公厅 协办：河南省大数据管理局", "河南省人民政府办公厅"),
        ("江苏省人民政府办公厅主办", "江苏省人民政府办公厅"),
        ("版权所有：江苏省人民政府 江苏省人民政府办公厅主办", "江苏省人民政府办公厅"),
        (
            "主办单位：中华人民共和国工业和信息化部 地址: 中国北京西长安街13号 邮编: 100804",
            "中华人民共和国工业和信息化部",
        ),
        (
            "主办单位：天津市人民政府办公厅 承办单位：天津市人民政府政务服务办公室",
            "天津市人民政府办公厅",
        ),
    ],
)
def test_sponsor_name_is_read_and_stops_at_next_item(line, name):
    found = extract.sponsor(footer_page(["联系我们 | 网站地图", line]))
    assert found is not None
    assert found.value == name
    assert found.block is not None
    assert found.block.selector == line_selector(1)


def test_chengban_unit_is_not_taken_as_sponsor():
    assert extract.sponsor(footer_page(["承办单位：天津市人民政府政务服务办公室"])) is None


def test_sponsor_without_colon_is_read():
    found = extract.sponsor(footer_page(["主办单位 上海市人民政府办公厅"]))
    assert found is not None
    assert found.value == "上海市人民政府办公厅"


# -- 联系方式 ----------------------------------------------------------------------------------


def _kinds(found):
    return [(f.data["kind"], f.value) for f in found]


def test_contact_us_link_in_footer_counts():
    lxwm = link("https://www.example.gov.cn/lxwm.html", "联系我们")
    found = extract.contact(footer_page(["版权所有：某某人民政府"], links=[lxwm]))
    assert _kinds(found) == [("link", "联系我们")]
    assert found[0].data["href"] == lxwm.href
    assert found[0].block is not None
    assert found[0].block.rect == lxwm.rect


def test_contact_us_link_outside_footer_does_not_count():
    header_link = link("https://www.example.gov.cn/lxwm.html", "联系我们", region="header")
    assert extract.contact(footer_page(["版权所有：某某人民政府"], links=[header_link])) == []


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ("技术支持电话：022-24538244", "022-24538244"),
        ("政务服务便民热线：12345", "12345"),
        ("联系电话：13912345678", "13912345678"),
    ],
)
def test_phone_in_footer_is_found(line, phone):
    found = extract.contact(footer_page([line]))
    assert ("phone", phone) in _kinds(found)


def test_address_in_footer_is_found():
    found = extract.contact(footer_page(["地址：天津市河东区红星路79号 邮政编码：300161"]))
    assert _kinds(found) == [("address", "地址：天津市河东区红星路79号")]


def test_identifier_digits_are_not_phone_numbers():
    lines = [
        "苏ICP备05009012号 苏公网安备:32010602010331号 政府网站标识码：3200000084",
        "京ICP备13012430号-6",
        "冀公网安备13010202000123号",
        "网站标识码：1304000009",
    ]
    assert extract.contact(footer_page(lines)) == []


# -- 党政机关网站标识 ----------------------------------------------------------------------------


def test_static_conac_link_wrapping_image_is_found():
    img = image("https://www.jiangsu.gov.cn/images/dzjg.png", link_href=CONAC_CERT)
    found = extract.conac(footer_page([], images=[img]))
    assert found is not None
    assert found.text == CONAC_CERT
    assert found.block is not None
    assert found.block.rect == img.rect
    assert found.data["image"] not in ("error", "blue")


@pytest.mark.parametrize(
    ("png", "variant"),
    [("red.png", "red"), ("red_error.png", "error"), ("blue.png", "blue")],
)
def test_rendered_conac_badge_variant_comes_from_image_name(png, variant):
    src = f"//dcs.conac.cn/image/{png}"
    img = image(src, link_href=CONAC_CERT, snippet=f'<img id="imgConac" src="{src}">')
    found = extract.conac(footer_page([], images=[img]))
    assert found is not None
    assert found.data["image"] == variant
    assert found.block is not None
    assert found.block.selector == img.selector


def test_rendered_imgconac_without_link_is_found():
    src = "https://www.example.gov.cn/images/red.png"
    img = image(src, snippet=f'<img id="imgConac" src="{src}">')
    found = extract.conac(footer_page([], images=[img]))
    assert found is not None
    assert found.data["image"] == "red"


def test_conac_script_without_rendered_badge_is_script_only():
    found = extract.conac(footer_page([], scripts=[Script(src=CONAC_JS)]))
    assert found is not None
    assert found.value == "script"
    assert found.block is None


def test_page_without_conac_gives_none():
    img = image("https://www.example.gov.cn/images/logo.png", link_href="https://www.gov.cn/")
    assert extract.conac(footer_page([], images=[img], scripts=[Script(src=JIUCUO_JS)])) is None


# -- 网站地图 ----------------------------------------------------------------------------------


def test_sitemap_link_prefers_the_footer_one():
    header = link("https://www.example.gov.cn/map1.html", "网站地图", region="header")
    footer = link("https://www.example.gov.cn/map2.html", "站点地图")
    assert extract.sitemap_link(footer_page([], links=[header, footer])) == footer


def test_sitemap_link_absent_gives_none():
    lxwm = link("https://www.example.gov.cn/lxwm.html", "联系我们")
    assert extract.sitemap_link(footer_page([], links=[lxwm])) is None


# -- 我为政府网站找错 ----------------------------------------------------------------------------


def test_jiucuo_script_sitecode_attribute_is_read():
    script = Script(
        src=JIUCUO_JS, id="_jiucuo_", attrs={"id": "_jiucuo_", "sitecode": "3200000084"}
    )
    entries = extract.error_report_entries(footer_page([], scripts=[script]))
    assert [(e.sitecode, e.host) for e in entries] == [("3200000084", "zfwzgl.www.gov.cn")]


def test_jiucuo_html_link_site_code_parameter_is_read():
    href = (
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4100000001"
        "&url=https%3A%2F%2Fwww.henan.gov.cn%2F"
    )
    entry = link(href, "")
    entries = extract.error_report_entries(footer_page([], links=[entry]))
    assert [(e.sitecode, e.host) for e in entries] == [("4100000001", "zfwzgl.www.gov.cn")]
    assert entries[0].element is not None
    assert entries[0].element.rect == entry.rect


def test_legacy_pucha_host_is_reported_as_such():
    script = Script(
        src="http://pucha.kaipuyun.cn/exposure/jiucuo.js", id="_jiucuo_", attrs={"sitecode": "1"}
    )
    entries = extract.error_report_entries(footer_page([], scripts=[script]))
    assert [e.host for e in entries] == ["pucha.kaipuyun.cn"]


def test_unrelated_scripts_are_not_error_report_entries():
    entries = extract.error_report_entries(footer_page([], scripts=[Script(src=CONAC_JS)]))
    assert entries == []


# -- 头部名称 ----------------------------------------------------------------------------------


def test_header_names_include_text_logo_alt_and_link_title():
    logo = image("https://www.shanghai.gov.cn/logo-big.png", alt="上海市人民政府", region="header")
    home = link("https://www.shanghai.gov.cn/", "", title="上海市人民政府门户网站", region="header")
    footer_img = image("https://www.shanghai.gov.cn/foot.png", alt="适老化无障碍服务认证标识")
    page = footer_page(
        [], images=[logo, footer_img], links=[home], header=header_region("首页\u3000 无障碍")
    )
    assert extract.header_names(page) == ["首页 无障碍", "上海市人民政府", "上海市人民政府门户网站"]
