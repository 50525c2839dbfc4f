"""The accessibility, elderly-mode and mobile-layout checks on hand-made artifacts (no browser)."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

import pytest

from auditor.artifacts import Artifacts, Image, Link, Region, Script, TextBlock
from auditor.checks.accessibility import (
    UNMAPPED,
    accessibility,
    elderly_mode,
    gbt37668_for,
    mobile_layout,
)
from auditor.checks.base import run_check
from auditor.gather.elderly import find_elderly_entry
from auditor.model import Outcome, PageType, Rect, Role, SiteSpec

HOME = "https://www.example.gov.cn/"
SITE = SiteSpec(url=HOME)


def page(**kw: Any) -> Artifacts:
    return Artifacts(url=HOME, final_url=HOME, status=200, page_type=PageType.HOME, **kw)


def node(target: str, rect: dict[str, float] | None = None, summary: str = "") -> dict[str, Any]:
    return {
        "target": target,
        "html": f"<x id='{target}'>",
        "impact": "critical",
        "rect": rect if rect is not None else {"x": 10, "y": 20, "width": 30, "height": 40},
        "failureSummary": summary
        or "修复以下任一问题：\n  元素没有 alt 属性\n  aria-label 属性不存在或为空",
    }


def rule(rid: str, tags: list[str], nodes: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "impact": "critical",
        "help": "图像必须有替代文本",
        "helpUrl": f"https://dequeuniversity.com/rules/axe/4.12/{rid}",
        "tags": tags,
        "nodes": nodes,
        "nodes_total": kw.get("total", len(nodes)),
        "nodes_cut": kw.get("cut", 0),
    }


def axe(
    violations: list[dict[str, Any]] | None = None,
    incomplete: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "version": "4.12.1",
        "violations": violations or [],
        "incomplete": incomplete or [],
        "passes": 12,
    }


# -- accessibility ------------------------------------------------------------------------------


def test_accessibility_is_not_applicable_when_axe_did_not_run() -> None:
    (f,) = run_check(accessibility, page(), SITE)
    assert f.outcome is Outcome.NOT_APPLICABLE


def test_accessibility_timeout_is_an_error_with_the_reason() -> None:
    art = page(axe={"error": "axe 检测超过 20 秒未完成（页面过大或脚本未响应），已中止"})
    (f,) = run_check(accessibility, art, SITE)
    assert f.outcome is Outcome.ERROR and "超过 20 秒" in f.message


def test_accessibility_gatherer_failure_recorded_in_errors_is_an_error() -> None:
    art = page(axe=None, errors={"axe": "axe 检测失败：Target closed"})
    (f,) = run_check(accessibility, art, SITE)
    assert f.outcome is Outcome.ERROR and "Target closed" in f.message


def test_clean_axe_result_passes() -> None:
    (f,) = run_check(accessibility, page(axe=axe()), SITE)
    assert f.outcome is Outcome.PASS


def test_one_failing_finding_per_violating_node_with_its_rect_and_rule() -> None:
    v = rule("image-alt", ["cat.text-alternatives", "wcag2a", "wcag111"], [node("#a"), node("#b")])
    findings = run_check(accessibility, page(axe=axe([v])), SITE)
    assert [f.outcome for f in findings] == [Outcome.FAIL, Outcome.FAIL]
    assert [f.selector for f in findings] == ["#a", "#b"]
    f = findings[0]
    assert f.rect == Rect(10, 20, 30, 40)
    assert f.message.startswith("图像必须有替代文本：元素没有 alt 属性")
    assert "image-alt" in f.message and "严重" in f.message
    assert "可感知性·非文本内容" in f.message and "条款号未核实" in f.message
    assert f.data["rule"] == "image-alt" and f.data["impact"] == "critical"
    assert f.data["gbt37668"][0]["wcag"] == "1.1.1"
    assert f.data["gbt37668"][0]["verified"] is False
    assert f.role is Role.DEDUCT


def test_incomplete_results_are_review_not_failures() -> None:
    v = rule("color-contrast", ["wcag2aa", "wcag143"], [node(".banner")])
    v["help"] = "元素必须满足最小颜色对比度比率阈值"
    v["nodes"][0]["failureSummary"] = (
        "修复以下任一问题：\n  由于背景是图像，因此无法确定元素的背景颜色"
    )
    (f,) = run_check(accessibility, page(axe=axe(incomplete=[v])), SITE)
    assert f.outcome is Outcome.REVIEW
    assert f.message.startswith("需人工复核：元素必须满足最小颜色对比度比率阈值")
    assert "背景是图像" in f.message and "对比度（最低限度）" in f.message


def test_whole_document_rules_point_at_the_page_not_the_html_box() -> None:
    v = rule("html-has-lang", ["wcag2a", "wcag311"], [node("html")])
    (f,) = run_check(accessibility, page(axe=axe([v])), SITE)
    assert f.rect is None and f.region == "page"
    assert "网页语言" in f.message


def test_cut_nodes_are_counted_in_the_first_message() -> None:
    v = rule("image-alt", ["wcag111"], [node(f"#i{i}") for i in range(20)], total=57, cut=37)
    findings = run_check(accessibility, page(axe=axe([v])), SITE)
    assert len(findings) == 20
    assert "本页共 57 处，仅列出前 20 处" in findings[0].message
    assert "本页共" not in findings[1].message


def test_a_rule_without_a_known_mapping_says_so() -> None:
    v = rule("some-rule", ["best-practice"], [node("#x")])
    (f,) = run_check(accessibility, page(axe=axe([v])), SITE)
    assert f.data["gbt37668"] == UNMAPPED and UNMAPPED in f.message


def test_gbt37668_mapping_file_is_honest_and_consistent() -> None:
    text = resources.files("auditor.data").joinpath("gbt37668.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["meta"]["source"]
    for tag, entry in data["tags"].items():
        assert re.fullmatch(r"wcag\d{3,4}", tag)
        assert entry["wcag"].replace(".", "") == tag.removeprefix("wcag")
        assert entry["principle"] in ("可感知性", "可操作性", "可理解性", "兼容性")
        # A clause number may only be given once it has been checked against the standard.
        assert entry["verified"] is False and entry["clause"] == ""
    assert [m["wcag"] for m in gbt37668_for(["wcag2a", "wcag111", "wcag412"])] == ["1.1.1", "4.1.2"]


# -- elderly-mode -------------------------------------------------------------------------------


def header_link(href: str, text: str, title: str = "") -> Link:
    return Link(
        href=href,
        text=text,
        title=title,
        selector=f'a[href="{href}"]',
        rect=Rect(900, 10, 50, 18),
        region="header",
    )


ZZB = "https://www.example.gov.cn/zzb/index.html"
ELDERLY_OK = {
    "url": ZZB,
    "final_url": ZZB,
    "normal_font_px": 14.0,
    "font_px": 20.0,
    "larger": True,
    "ad_iframes": [],
    "popups": [],
    "captcha": {"present": False, "has_alternative": False},
    "screenshot": "p00-elderly.png",
    "error": "",
    "load_failed": False,
}


def test_home_page_without_any_entry_fails_at_the_header() -> None:
    art = page(links=[header_link(HOME + "col/yw/", "要闻")])
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.FAIL and f.region == "header" and f.rect is None
    assert "长者版" in f.message and "govwza.cn" in f.message


def test_elderly_mode_is_checked_on_the_home_page_only() -> None:
    art = page()
    art.page_type = PageType.ARTICLE
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.NOT_APPLICABLE


def test_entry_link_with_a_good_elderly_page_passes() -> None:
    art = page(links=[header_link(ZZB, "长者版")], elderly=dict(ELDERLY_OK))
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.PASS


def test_entry_link_not_yet_probed_is_review_at_the_entry() -> None:
    art = page(links=[header_link(ZZB, "关怀版")])
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.REVIEW and f.rect == Rect(900, 10, 50, 18)


@pytest.mark.parametrize(
    "art",
    [
        page(scripts=[Script(src="https://gov.govwza.cn/dist/aria.js?appid=abc")]),
        page(scripts=[Script(src="https://api.govwza.cn/cniil/assist.js?sid=1")]),
        page(links=[header_link("javascript:void(0)", "无障碍", "网页无障碍辅助工具条")]),
    ],
    ids=["aria-js", "assist-js", "toolbar-toggle"],
)
def test_assistive_toolbar_is_an_entry_and_passes(art: Artifacts) -> None:
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.PASS


def test_elderly_page_not_larger_with_ads_popups_and_bare_captcha_fails_each() -> None:
    probe = dict(
        ELDERLY_OK,
        font_px=14.0,
        larger=False,
        main_sample={
            "selector": "main > p",
            "rect": {"x": 20, "y": 100, "width": 600, "height": 22},
        },
        ad_iframes=[
            {
                "selector": "#ad",
                "rect": {"x": 0, "y": 300, "width": 728, "height": 90},
                "src": "https://pos.baidu.com/s?x",
                "reason": "广告网络域名 pos.baidu.com",
            }
        ],
        popups=[
            {
                "kind": "floating",
                "selector": "#float",
                "rect": {"x": 40, "y": 300, "width": 180, "height": 120},
                "text": "漂浮广告",
            },
            {"kind": "window.open", "url": "https://ad.example.com/", "selector": "", "rect": None},
        ],
        captcha={
            "present": True,
            "has_alternative": False,
            "kind": "image",
            "selector": "#captcha",
            "rect": {"x": 250, "y": 280, "width": 120, "height": 40},
        },
    )
    art = page(links=[header_link(ZZB, "长者版")], elderly=probe)
    findings = run_check(elderly_mode, art, SITE)
    assert [f.outcome for f in findings] == [Outcome.FAIL] * 5
    font, ad, floating, window, captcha = findings
    assert "14 px" in font.message and "未大于普通版的 14 px" in font.message
    assert font.data["expected"] == "> 14 px" and font.data["found"] == "14 px"
    assert font.rect == Rect(20, 100, 600, 22)
    assert "pos.baidu.com" in ad.message and ad.rect == Rect(0, 300, 728, 90)
    assert "漂浮" in floating.message and "新窗口" in window.message and window.rect is None
    assert "语音" in captcha.message and captcha.selector == "#captcha"
    assert all(f.data["evidence_source"] == "elderly" for f in findings)
    assert all(f.data["elderly_url"] == ZZB for f in findings)


def test_font_sizes_that_cannot_be_compared_are_review() -> None:
    art = page(links=[header_link(ZZB, "长者版")], elderly=dict(ELDERLY_OK, larger=None))
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.REVIEW and "无法比较" in f.message


def test_elderly_page_that_does_not_open_fails_at_the_entry() -> None:
    probe = dict(ELDERLY_OK, error="长者版页面返回 HTTP 404", load_failed=True)
    art = page(links=[header_link(ZZB, "长者版")], elderly=probe)
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.FAIL and "HTTP 404" in f.message
    assert f.selector == f'a[href="{ZZB}"]'


def test_elderly_probe_failure_of_our_own_is_an_error() -> None:
    probe = dict(ELDERLY_OK, error="长者版页面截图失败：Target closed")
    art = page(links=[header_link(ZZB, "长者版")], elderly=probe)
    (f,) = run_check(elderly_mode, art, SITE)
    assert f.outcome is Outcome.ERROR and "截图失败" in f.message


def test_entry_prefers_a_separate_elderly_page_over_a_toolbar_link() -> None:
    art = page(
        links=[
            header_link("https://wza.example.gov.cn/", "无障碍浏览"),
            header_link(ZZB, "长者版"),
        ],
        scripts=[Script(src="https://gov.govwza.cn/dist/aria.js?appid=abc")],
    )
    entry = find_elderly_entry(art)
    assert entry is not None
    assert (entry["kind"], entry["href"], entry["text"]) == ("link", ZZB, "长者版")


def test_entry_is_not_a_news_headline_or_the_certification_badge() -> None:
    badge = Image(
        src="https://www.example.gov.cn/img/sl.png",
        alt="适老化无障碍服务认证标识",
        link_href="https://www.cnaa.org.cn/",
        selector="#badge",
        rect=Rect(500, 3000, 100, 40),
    )
    art = page(
        links=[header_link(HOME + "art/1.html", "关于推进政府网站无障碍建设的通知")],
        images=[badge],
    )
    assert find_elderly_entry(art) is None


def test_entry_found_as_an_image_link_or_a_header_button() -> None:
    img = Image(src="/img/zzb.png", alt="长者版", link_href=ZZB, selector="#zzb", rect=None)
    assert find_elderly_entry(page(images=[img])) == {
        "kind": "link",
        "href": ZZB,
        "text": "长者版",
        "selector": "#zzb",
        "rect": None,
    }
    header = Region(found=True, blocks=[TextBlock(text="无障碍", selector="#top button")])
    entry = find_elderly_entry(page(header=header))
    assert entry is not None and (entry["kind"], entry["selector"]) == ("control", "#top button")


# -- mobile-layout ------------------------------------------------------------------------------

PHONE_OK: dict[str, Any] = {
    "url": HOME,
    "viewport_meta": "width=device-width, initial-scale=1",
    "viewport_width": 375,
    "device_scale_factor": 2,
    "layout_width": 375,
    "document_width": 375,
    "overflow": [],
    "overflow_total": 0,
    "small_text": [],
    "small_text_total": 0,
    "main_font_px": 16.0,
    "screenshot": "p00-mobile.png",
    "error": "",
}


def test_mobile_layout_not_applicable_without_a_phone_render() -> None:
    (f,) = run_check(mobile_layout, page(), SITE)
    assert f.outcome is Outcome.NOT_APPLICABLE


def test_mobile_layout_passes_a_responsive_page() -> None:
    (f,) = run_check(mobile_layout, page(mobile=dict(PHONE_OK)), SITE)
    assert f.outcome is Outcome.PASS and f.role is Role.INFO


def test_mobile_render_failure_is_an_error() -> None:
    (f,) = run_check(mobile_layout, page(mobile=dict(PHONE_OK, error="手机截图失败：x")), SITE)
    assert f.outcome is Outcome.ERROR and "手机截图失败" in f.message


def test_phone_visitors_getting_an_http_error_fail() -> None:
    m = dict(PHONE_OK, status=404, final_url="https://m.example.gov.cn/")
    (f,) = run_check(mobile_layout, page(mobile=m), SITE)
    assert f.outcome is Outcome.FAIL and "HTTP 404" in f.message and "m.example" in f.message


def test_missing_viewport_meta_fails_and_says_how_small_text_really_is() -> None:
    m = dict(PHONE_OK, viewport_meta=None, layout_width=980, document_width=980, main_font_px=14)
    (f,) = run_check(mobile_layout, page(mobile=m), SITE)
    assert f.outcome is Outcome.FAIL and f.rect is None
    assert "未声明 viewport" in f.message and "980 px" in f.message and "约 5.4 px" in f.message
    assert f.data["evidence_source"] == "mobile"


def test_horizontal_overflow_is_one_finding_at_the_widest_element_in_phone_pixels() -> None:
    def box(sel: str, width: float) -> dict[str, Any]:
        rect = {"x": 8, "y": 100, "width": width, "height": 45}
        return {"selector": sel, "rect": rect, "width": width, "right": 8 + width}

    m = dict(
        PHONE_OK,
        document_width=929,
        overflow=[box("#wide", 920), box("#nav", 600)],
        overflow_total=2,
    )
    (f,) = run_check(mobile_layout, page(mobile=m), SITE)
    assert f.outcome is Outcome.FAIL and f.selector == "#wide"
    assert f.rect == Rect(8, 100, 920, 45)
    assert "页面总宽 929 px，超出 554 px" in f.message and "共 2 个元素" in f.message
    assert f.data["elements"] == ["#wide", "#nav"]
    assert f.data["evidence_source"] == "mobile" and f.data["device_scale_factor"] == 2


def test_small_main_text_is_one_finding_at_the_smallest_text() -> None:
    small = [
        {"selector": f"#s{i}", "text": "小字", "font_px": 10 + i / 10, "rect": None}
        for i in range(8)
    ]
    small[0]["rect"] = {"x": 8, "y": 300, "width": 200, "height": 14}
    m = dict(PHONE_OK, small_text=small, small_text_total=31, main_font_px=11)
    (f,) = run_check(mobile_layout, page(mobile=m), SITE)
    assert f.outcome is Outcome.FAIL and f.selector == "#s0" and f.rect == Rect(8, 300, 200, 14)
    assert "31 处文字小于 12 px" in f.message and "“小字”为 10 px" in f.message
    assert "中位数 11 px" in f.message


def test_small_median_without_listed_elements_still_fails() -> None:
    (f,) = run_check(mobile_layout, page(mobile=dict(PHONE_OK, main_font_px=11)), SITE)
    assert f.outcome is Outcome.FAIL and f.region == "page" and "中位数 11 px" in f.message
