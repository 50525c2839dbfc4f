"""Meta-tag checks (网页标签, 国办发〔2017〕47号 网页设计规范) on hand-made artifacts, through run_check."""

from __future__ import annotations

import pytest
from builders import footer_page, line_rect, line_selector, meta_page

from auditor.artifacts import Script, TextBlock
from auditor.checks.base import run_check
from auditor.checks.meta import meta_consistency, meta_format, meta_tags
from auditor.model import Outcome, PageType, Rect, SiteSpec

HOME = "https://www.jiangsu.gov.cn/"
ARTICLE_URL = "https://www.jiangsu.gov.cn/art/2024/10/14/art_60085_11394426.html"
SITE = SiteSpec(url=HOME)
SITE_TAGS = {
    "SiteName": "江苏省人民政府",
    "SiteDomain": "www.jiangsu.gov.cn,www.js.gov.cn",
    "SiteIDCode": "3200000084",
}
COLUMN_TAGS = {
    "ColumnName": "部门资讯",
    "ColumnDescription": "江苏省政府部门资讯",
    "ColumnKeywords": "部门,资讯",
    "ColumnType": "工作动态",
}
TITLE = "“奋进新征程——庆祝中华人民共和国成立75周年江苏省美术书法展”开幕"
ARTICLE_TAGS = {
    "ColumnName": "部门资讯",
    "ColumnType": "工作动态",
    "ArticleTitle": TITLE,
    "PubDate": "2024-10-14 10:17",
    "ContentSource": "省文化和旅游厅办公室",
}
GATHERED = "2024-10-20T09:00:00+08:00"


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def article(**overrides):
    tags = {**SITE_TAGS, **ARTICLE_TAGS, **overrides}
    page = meta_page(page_type=PageType.ARTICLE, url=ARTICLE_URL, **tags)
    page.gathered_at = GATHERED
    return page


# -- meta-tags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_type", "tags"),
    [
        (PageType.HOME, SITE_TAGS),
        (PageType.COLUMN, {**SITE_TAGS, **COLUMN_TAGS}),
        (PageType.ARTICLE, {**SITE_TAGS, **ARTICLE_TAGS}),
    ],
    ids=["home", "column", "article"],
)
def test_meta_tags_complete_for_page_type_pass(page_type, tags):
    page = meta_page(page_type=page_type, **tags)
    assert only(run_check(meta_tags, page, SITE)).outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("page_type", "missing"),
    [
        (PageType.HOME, []),
        (PageType.COLUMN, ["ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"]),
        (
            PageType.ARTICLE,
            ["ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource"],
        ),
    ],
    ids=["home", "column", "article"],
)
def test_meta_tags_required_set_depends_on_page_type(page_type, missing):
    page = meta_page(page_type=page_type, **SITE_TAGS)
    finding = only(run_check(meta_tags, page, SITE))
    if not missing:
        assert finding.outcome is Outcome.PASS
        return
    assert finding.outcome is Outcome.FAIL
    assert finding.data["missing"] == missing
    assert finding.data["empty"] == []
    assert "缺少 " + "、".join(missing) in finding.message
    assert finding.region == "page"
    assert finding.rect is None


def test_meta_tags_missing_site_id_code_on_home_fails():
    tags = {k: v for k, v in SITE_TAGS.items() if k != "SiteIDCode"}
    finding = only(run_check(meta_tags, meta_page(**tags), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["missing"] == ["SiteIDCode"]
    assert "首页" in finding.message


def test_meta_tags_article_does_not_need_column_description():
    page = meta_page(page_type=PageType.ARTICLE, **SITE_TAGS, **ARTICLE_TAGS)
    assert page.meta("ColumnDescription") is None
    assert only(run_check(meta_tags, page, SITE)).outcome is Outcome.PASS


@pytest.mark.parametrize("content", ["", "   ", "null", "NULL"])
def test_meta_tags_empty_or_null_content_fails(content):
    page = meta_page(
        page_type=PageType.COLUMN, **SITE_TAGS, **{**COLUMN_TAGS, "ColumnType": content}
    )
    finding = only(run_check(meta_tags, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["empty"] == ["ColumnType"]
    assert finding.data["missing"] == []
    assert "内容为空 ColumnType" in finding.message


def test_meta_tags_lowercase_name_only_needs_case_review():
    tags = {"sitename": "江苏省人民政府", **{k: v for k, v in SITE_TAGS.items() if k != "SiteName"}}
    finding = only(run_check(meta_tags, meta_page(**tags), SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "大小写" in finding.message
    assert finding.data["wrong_case"] == ["sitename→SiteName"]


def test_meta_tags_lowercase_name_with_empty_content_fails_and_needs_review():
    tags = {"sitename": "", **{k: v for k, v in SITE_TAGS.items() if k != "SiteName"}}
    findings = run_check(meta_tags, meta_page(**tags), SITE)
    assert [f.outcome for f in findings] == [Outcome.FAIL, Outcome.REVIEW]
    assert findings[0].data["empty"] == ["SiteName"]


# -- meta-format -------------------------------------------------------------------------------


def test_meta_format_well_formed_article_passes():
    assert only(run_check(meta_format, article(), SITE)).outcome is Outcome.PASS


@pytest.mark.parametrize("separator", ["\u2236", "："])
def test_meta_format_pubdate_with_non_ascii_colon_fails(separator):
    value = f"2023-08-19 10{separator}08"
    finding = only(run_check(meta_format, article(PubDate=value), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "非 ASCII 冒号" in finding.message
    assert finding.data["found"] == value


def test_meta_format_pubdate_with_seconds_passes():
    page = article(PubDate="2024-02-29 16:00:26")
    assert only(run_check(meta_format, page, SITE)).outcome is Outcome.PASS


@pytest.mark.parametrize("value", ["2024/10/14 10:17", "2024-10-14", "2024-13-01 10:00", "昨天"])
def test_meta_format_malformed_pubdate_fails(value):
    finding = only(run_check(meta_format, article(PubDate=value), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "格式错误" in finding.message
    assert finding.data["found"] == value


def test_meta_format_leaves_a_future_pubdate_to_forged_date():
    page = article(PubDate="2024-10-20 09:01")  # one minute after the render: forged-date's
    assert only(run_check(meta_format, page, SITE)).outcome is Outcome.PASS


def test_meta_format_impossible_calendar_date_fails():
    finding = only(run_check(meta_format, article(PubDate="2024-02-30 10:00"), SITE))
    assert finding.outcome is Outcome.FAIL


def test_meta_format_site_domain_with_scheme_needs_review():
    page = meta_page(
        url="https://zdb.beijing.gov.cn/",
        SiteName="北京市重大项目建设指挥部办公室",
        SiteDomain="https://zdb.beijing.gov.cn",
        SiteIDCode="1100000224",
    )
    finding = only(run_check(meta_format, page, SITE))
    assert finding.outcome is Outcome.REVIEW
    assert "协议前缀" in finding.message


def test_meta_format_site_domain_without_current_host_fails():
    page = meta_page(url="https://www.henan.gov.cn/", SiteDomain="www.hd.gov.cn")
    finding = only(run_check(meta_format, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "www.henan.gov.cn", "found": "www.hd.gov.cn"}
    assert "www.henan.gov.cn" in finding.message


@pytest.mark.parametrize(
    "domain", ["www.jiangsu.gov.cn,www.js.gov.cn", "www.jiangsu.gov.cn，www.js.gov.cn"]
)
@pytest.mark.parametrize("url", ["https://www.jiangsu.gov.cn/", "http://www.js.gov.cn/col/1.html"])
def test_meta_format_multi_host_site_domain_accepts_each_host(domain, url):
    page = meta_page(url=url, SiteDomain=domain, SiteIDCode="3200000084")
    assert only(run_check(meta_format, page, SITE)).outcome is Outcome.PASS


def test_meta_format_site_domain_uses_final_url_after_redirect():
    page = meta_page(url="http://js.gov.cn/", SiteDomain="www.jiangsu.gov.cn")
    page.final_url = "https://www.jiangsu.gov.cn/"
    assert only(run_check(meta_format, page, SITE)).outcome is Outcome.PASS


@pytest.mark.parametrize("code", ["310000000044", "9900000001", "bm0700001", "4100000"])
def test_meta_format_bad_site_id_code_fails(code):
    page = meta_page(url=HOME, SiteIDCode=code, SiteDomain="www.jiangsu.gov.cn")
    finding = only(run_check(meta_format, page, SITE))
    assert finding.outcome is Outcome.FAIL
    assert f"SiteIDCode“{code}”格式错误" in finding.message


def test_meta_format_without_any_formatted_tag_is_not_applicable():
    page = meta_page(SiteName="江苏省人民政府")
    assert only(run_check(meta_format, page, SITE)).outcome is Outcome.NOT_APPLICABLE


# -- meta-consistency --------------------------------------------------------------------------

FOOTER = ["主办单位：河南省人民政府办公厅", "网站标识码：4100000001"]
JIUCUO = "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"


def coded(meta_code="4100000001", jiucuo_code="4100000001", lines=FOOTER, **fields):
    scripts = [Script(src=JIUCUO, id="_jiucuo_", attrs={"sitecode": jiucuo_code})]
    return footer_page(
        lines,
        scripts=scripts,
        metas={"SiteName": "河南省人民政府", "SiteIDCode": meta_code},
        url="https://www.henan.gov.cn/",
        **fields,
    )


def test_meta_consistency_all_codes_equal_passes():
    site = SiteSpec(url="https://www.henan.gov.cn/", code="4100000001")
    assert only(run_check(meta_consistency, coded(), site)).outcome is Outcome.PASS


def test_meta_consistency_site_id_code_differing_from_footer_fails_at_footer_code():
    finding = only(run_check(meta_consistency, coded(meta_code="4500000001"), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["found"] == {
        "SiteIDCode 标签": "4500000001",
        "底部网站标识码": "4100000001",
        "找错入口 sitecode": "4100000001",
    }
    assert "SiteIDCode 标签为“4500000001”" in finding.message
    assert finding.selector == line_selector(1)
    assert finding.rect == line_rect(1, FOOTER[1])


def test_meta_consistency_jiucuo_sitecode_differing_fails():
    finding = only(run_check(meta_consistency, coded(jiucuo_code="4100000002"), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["found"]["找错入口 sitecode"] == "4100000002"


def test_meta_consistency_reported_code_differing_fails():
    site = SiteSpec(url="https://www.henan.gov.cn/", code="4100000009")
    finding = only(run_check(meta_consistency, coded(), site))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["found"]["报送标识码"] == "4100000009"


def test_meta_consistency_bm_code_case_is_ignored():
    lines = ["网站标识码：bm07000001"]
    page = coded(meta_code="BM07000001", jiucuo_code="bm07000001", lines=lines)
    site = SiteSpec(url=HOME, code="BM07000001")
    assert only(run_check(meta_consistency, page, site)).outcome is Outcome.PASS


HEADING = TextBlock(TITLE, selector="h1.title", rect=Rect(200, 300, 900, 40))
INFO = TextBlock(
    "发布日期：2024-10-14 10:17 信息来源：省文化和旅游厅办公室 字号：大 中 小",
    selector="div.info",
    rect=Rect(200, 360, 900, 24),
)


def visible_article(tags=None, headings=(HEADING,), info=(INFO,)):
    metas = {**SITE_TAGS, **ARTICLE_TAGS, **(tags or {})}
    return footer_page(
        ["政府网站标识码：3200000084"],
        metas=metas,
        page_type=PageType.ARTICLE,
        url=ARTICLE_URL,
        headings=list(headings),
        info_blocks=list(info),
    )


def test_meta_consistency_article_matching_visible_content_passes():
    assert only(run_check(meta_consistency, visible_article(), SITE)).outcome is Outcome.PASS


def test_meta_consistency_title_nearly_equal_to_heading_passes():
    # one character differs in a 34-character title: about 97 % similar
    nearly = TextBlock(TITLE.replace("开幕", "开展"), selector="h1", rect=Rect(0, 0, 9, 9))
    page = visible_article(headings=[nearly])
    assert only(run_check(meta_consistency, page, SITE)).outcome is Outcome.PASS


def test_meta_consistency_title_below_ninety_percent_similar_fails():
    # same opening, other exhibition: about 87 % similar, under the 90 % bar
    text = TITLE.replace("江苏省美术书法展", "全国美术作品展")
    other = TextBlock(text, rect=Rect(0, 0, 9, 9), snippet=f"<h1>{text}</h1>")
    finding = only(run_check(meta_consistency, visible_article(headings=[other]), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["found"] == other.text


def test_meta_consistency_title_differing_from_heading_fails_at_heading():
    other = TextBlock(
        "省政府召开常务会议",
        selector="h1.title",
        rect=Rect(200, 300, 900, 40),
        snippet='<h1 class="title">省政府召开常务会议</h1>',
    )
    finding = only(run_check(meta_consistency, visible_article(headings=[other]), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": TITLE, "found": "省政府召开常务会议"}
    assert finding.rect == other.rect
    assert finding.selector == "h1.title"


def test_meta_consistency_title_differing_from_a_non_heading_block_needs_review():
    # A div.title may be a side box, not the article's title: only a person can tell.
    other = TextBlock(
        "相关文档：", selector="div.title", rect=Rect(0, 0, 9, 9), snippet='<div class="title">'
    )
    finding = only(run_check(meta_consistency, visible_article(headings=[other]), SITE))
    assert finding.outcome is Outcome.REVIEW


def test_meta_consistency_pubdate_differing_from_visible_date_fails_at_info_block():
    info = TextBlock(
        "发布时间：2024年10月15日 来源：省文化和旅游厅办公室", "p.info", Rect(1, 2, 3, 4)
    )
    finding = only(run_check(meta_consistency, visible_article(info=[info]), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "2024-10-14 10:17", "found": "2024-10-15"}
    assert finding.rect == info.rect


def test_meta_consistency_visible_date_without_time_matches_pubdate_day():
    info = TextBlock("发布日期：2024-10-14 来源：省文化和旅游厅办公室", selector="p.info")
    page = visible_article(info=[info])
    assert only(run_check(meta_consistency, page, SITE)).outcome is Outcome.PASS


def test_meta_consistency_visible_time_differing_by_minutes_fails():
    info = TextBlock("发布时间：2024-10-14 10:27", selector="p.info")
    finding = only(run_check(meta_consistency, visible_article(info=[info]), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data["found"] == "2024-10-14 10:27"


def test_meta_consistency_content_source_differing_from_visible_source_fails():
    info = TextBlock("来源：新华社", selector="span.source", rect=Rect(5, 6, 7, 8))
    finding = only(run_check(meta_consistency, visible_article(info=[info]), SITE))
    assert finding.outcome is Outcome.FAIL
    assert finding.data == {"expected": "省文化和旅游厅办公室", "found": "新华社"}
    assert "ContentSource" in finding.message
    assert finding.rect == info.rect


def test_meta_consistency_article_rules_do_not_apply_to_column_pages():
    other = TextBlock("省政府召开常务会议", selector="h1")
    page = visible_article(headings=[other], info=[TextBlock("来源：新华社")])
    page.page_type = PageType.COLUMN
    assert only(run_check(meta_consistency, page, SITE)).outcome is Outcome.PASS
