"""The ``link-health`` check and ``urls_to_check`` on hand-made artifacts: no network, no browser.

The checker's results are written here by hand in the shape ``LinkChecker.check`` returns, so
these tests pin how results become findings: which element is outlined, fail versus review,
and the per-page totals that let reports count home-page link errors apart (国办秘函〔2019〕19号 链接可用性).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from builders import HOME, image, link

from auditor.artifacts import Artifacts, Link
from auditor.checks.base import run_check
from auditor.checks.links import link_health
from auditor.extract.links import urls_to_check
from auditor.model import Outcome, PageType, Rect, Role, SiteSpec

SITE = SiteSpec(url=HOME)
POLICY = "https://www.example.gov.cn/zcwj/a.html"
REPORT = "https://www.example.gov.cn/files/2024年度报告.pdf"
BANNER = "https://www.example.gov.cn/images/banner.jpg"
OK = "https://www.example.gov.cn/ok.html"
FAR = "https://www.other.gov.cn/"


def status(url: str, kind: str | None, code: int | None = 200, **extra: Any) -> dict[str, Any]:
    """One ``LinkChecker`` result, as stored in ``Artifacts.link_status``."""
    reasons = {
        None: "返回 200，正常",
        "broken": "返回 404，无法访问",
        "server-error": "返回 500（服务器错误），无法访问（重试 2 次后仍失败）",
        "timeout": "15 秒内未响应",
        "dns": "域名无法解析（DNS 查询失败）",
        "tls": "HTTPS 证书无效：证书已过期",
        "soft-404": "被重定向到首页（https://www.example.gov.cn/），原内容已不存在",
        "blocked": "返回 403，访问被服务器或防火墙拦截（浏览器复核仍返回 403，请人工确认）",
        "redirect-loop": "重定向循环：a → b → a",
        "error": "无法连接服务器（连接被拒绝）",
    }
    return {
        "url": url,
        "status": code,
        "final_url": url,
        "redirects": [],
        "kind": kind,
        "reason": reasons[kind],
        "elapsed_ms": 12,
        "method": "GET",
        "skipped": False,
        **extra,
    }


def page(
    links: list[Link] | None = None,
    images: list[Any] | None = None,
    link_status: dict[str, dict[str, Any]] | None = None,
    *,
    page_type: PageType = PageType.HOME,
    **fields: Any,
) -> Artifacts:
    return Artifacts(
        url=HOME,
        final_url=HOME,
        status=200,
        page_type=page_type,
        links=links or [],
        images=images or [],
        link_status=link_status or {},
        **fields,
    )


def findings(art: Artifacts):
    return run_check(link_health, art, SITE)


# -- the check -----------------------------------------------------------------------------------


def test_not_applicable_when_links_were_not_checked():
    [f] = findings(page([link(POLICY, "政策文件")]))
    assert f.outcome is Outcome.NOT_APPLICABLE


def test_gathering_failure_is_an_error_not_a_pass():
    art = page([link(POLICY, "政策文件")], errors={"link_status": "链接检查失败：boom"})
    [f] = findings(art)
    assert f.outcome is Outcome.ERROR


def test_all_links_fine_is_a_pass():
    art = page(
        [link(POLICY, "政策文件"), link(OK, "正常")],
        link_status={POLICY: status(POLICY, None), OK: status(OK, None)},
    )
    [f] = findings(art)
    assert f.outcome is Outcome.PASS


def test_broken_link_fails_at_the_link_with_a_chinese_message():
    at = link(POLICY, "政策文件", region="")
    art = page([link(OK, "正常"), at], link_status={POLICY: status(POLICY, "broken", 404)})
    [f] = findings(art)
    assert f.outcome is Outcome.FAIL
    assert f.message == f"链接“政策文件”（{POLICY}）返回 404，无法访问"
    assert (f.rect, f.selector, f.snippet) == (at.rect, at.selector, at.snippet)
    assert f.role is Role.DEDUCT
    assert f.data["kind"] == "broken"
    assert f.data["url"] == POLICY
    assert f.data["status"] == 404
    assert f.data["final_url"] == POLICY
    assert f.data["redirects"] == []


@pytest.mark.parametrize(
    "kind",
    ["broken", "server-error", "timeout", "dns", "tls", "soft-404", "redirect-loop", "error"],
)
def test_every_dead_link_kind_fails(kind):
    art = page([link(POLICY, "政策文件")], link_status={POLICY: status(POLICY, kind, None)})
    [f] = findings(art)
    assert f.outcome is Outcome.FAIL
    assert f.data["kind"] == kind
    assert f.message.startswith(f"链接“政策文件”（{POLICY}）")


def test_blocked_link_is_for_review_not_a_failure():
    art = page([link(POLICY, "政策文件")], link_status={POLICY: status(POLICY, "blocked", 403)})
    [f] = findings(art)
    assert f.outcome is Outcome.REVIEW
    assert "人工确认" in f.message


def test_checker_bug_is_for_review():
    result = status(POLICY, "error", None, internal_error=True)
    result["reason"] = "检查出错：ZeroDivisionError: boom"
    [f] = findings(page([link(POLICY, "政策文件")], link_status={POLICY: result}))
    assert f.outcome is Outcome.REVIEW


def test_redirect_chain_goes_into_the_data():
    result = status(POLICY, "soft-404", 200, final_url=HOME, redirects=[HOME])
    [f] = findings(page([link(POLICY, "政策文件")], link_status={POLICY: result}))
    assert (f.data["final_url"], f.data["redirects"]) == (HOME, [HOME])


def test_finding_points_at_the_first_visible_occurrence():
    hidden = Link(href=POLICY, text="政策文件", selector="#hidden a", rect=None, visible=False)
    zero = Link(href=POLICY, text="政策文件", selector="#zero a", rect=Rect(0, 0, 0, 0))
    shown = link(POLICY, "政策文件")
    later = replace(shown, selector="#later a", rect=Rect(10, 3000, 80, 18))
    art = page([hidden, zero, shown, later], link_status={POLICY: status(POLICY, "broken", 404)})
    [f] = findings(art)
    assert (f.selector, f.rect) == (shown.selector, shown.rect)


def test_hidden_only_link_is_still_reported_by_selector():
    hidden = Link(href=POLICY, text="政策文件", selector="#hidden a", visible=False)
    [f] = findings(page([hidden], link_status={POLICY: status(POLICY, "broken", 404)}))
    assert f.outcome is Outcome.FAIL
    assert (f.selector, f.rect) == ("#hidden a", None)


def test_link_with_a_fragment_is_matched_to_its_checked_url():
    at = link(POLICY + "#part2", "第二部分")
    [f] = findings(page([at], link_status={POLICY: status(POLICY, "broken", 404)}))
    assert f.selector == at.selector
    assert "第二部分" in f.message


def test_broken_image_points_at_the_image():
    img = image(BANNER, alt="头图", region="")
    [f] = findings(page(images=[img], link_status={BANNER: status(BANNER, "broken", 404)}))
    assert f.message == f"图片“头图”（{BANNER}）返回 404，无法访问"
    assert f.rect == img.rect


def test_broken_attachment_is_called_an_attachment():
    [f] = findings(
        page([link(REPORT, "2024年度报告")], link_status={REPORT: status(REPORT, "broken", 404)})
    )
    assert f.message.startswith("附件“2024年度报告”")


def test_link_without_text_uses_its_title_or_a_plain_noun():
    titled = link(POLICY, "", title="政策解读")
    [f] = findings(page([titled], link_status={POLICY: status(POLICY, "broken", 404)}))
    assert f.message.startswith("链接“政策解读”")
    bare = link(OK, "")
    [f] = findings(page([bare], link_status={OK: status(OK, "broken", 404)}))
    assert f.message.startswith(f"链接（{OK}）")


def test_long_link_text_is_shortened():
    text = "关于印发" + "某某" * 40 + "的通知"
    [f] = findings(page([link(POLICY, text)], link_status={POLICY: status(POLICY, "broken", 404)}))
    label = f.message.split("（", 1)[0]
    assert label.endswith("…”") and len(label) <= 36


def test_url_not_on_the_page_is_reported_without_an_element():
    [f] = findings(page([], link_status={FAR: status(FAR, "dns", None)}))
    assert f.outcome is Outcome.FAIL
    assert f.rect is None
    assert FAR in f.message


def test_one_finding_per_bad_url_in_page_order():
    links = [link(POLICY, "政策文件"), link(OK, "正常"), link(FAR, "外站"), link(POLICY, "再次")]
    art = page(
        links,
        link_status={
            POLICY: status(POLICY, "broken", 404),
            OK: status(OK, None),
            FAR: status(FAR, "timeout", None),
        },
    )
    assert [f.data["url"] for f in findings(art)] == [POLICY, FAR]


def test_every_finding_carries_the_page_totals():
    statuses = {
        POLICY: status(POLICY, "broken", 404),
        REPORT: status(REPORT, "server-error", 500),
        FAR: status(FAR, "blocked", 403),
        OK: status(OK, None),
        BANNER: status(BANNER, None),
        "mailto:x@a.gov.cn": {**status("mailto:x@a.gov.cn", None, None), "skipped": True},
    }
    fs = findings(page([link(u, "x") for u in statuses], link_status=statuses))
    assert len(fs) == 3
    for f in fs:
        assert f.data["page_checked_total"] == 5
        assert f.data["page_broken_total"] == 2  # blocked is for review, not counted as broken
        assert f.data["page_review_total"] == 1
        assert f.data["page_kind_counts"] == {"broken": 1, "server-error": 1, "blocked": 1}


@pytest.mark.parametrize(
    ("page_type", "home"),
    [(PageType.HOME, True), (PageType.COLUMN, False), (PageType.ARTICLE, False)],
)
def test_home_page_errors_are_marked_apart(page_type, home):
    art = page(
        [link(POLICY, "政策文件")],
        link_status={POLICY: status(POLICY, "broken", 404)},
        page_type=page_type,
    )
    [f] = findings(art)
    assert f.data["on_home_page"] is home


def test_check_metadata_cites_the_rule():
    assert link_health.id == "link-health"
    assert "国办秘函〔2019〕19号 扣分指标/可用性/链接可用性" in link_health.rule
    assert link_health.role is Role.DEDUCT
    assert link_health.fn.__doc__ and link_health.title != link_health.id
    assert "link_status" in link_health.requires


# -- urls_to_check -------------------------------------------------------------------------------


def test_urls_to_check_takes_links_images_and_attachments_once():
    art = page(
        [
            link(POLICY, "政策文件"),
            link(REPORT, "年度报告"),
            link(POLICY + "#p2", "同一页"),
            Link(href=FAR, text="隐藏", visible=False),
        ],
        [image(BANNER), image(BANNER)],
    )
    assert urls_to_check(art) == [POLICY, REPORT, FAR, BANNER]


@pytest.mark.parametrize(
    "href",
    [
        "javascript:void(0)",
        "mailto:x@a.gov.cn",
        "tel:12345",
        "data:image/png;base64,AAAA",
        "",
        HOME + "#main",
        HOME,
    ],
)
def test_urls_to_check_skips_what_is_not_a_remote_page(href):
    art = page([link(href, "x")], [image(href)] if href else [])
    assert urls_to_check(art) == []


def test_urls_to_check_normalises_scheme_and_host_case():
    art = page([link("HTTP://WWW.Example.GOV.cn/zcwj/a.html", "x")])
    assert urls_to_check(art) == [POLICY.replace("https", "http")]


# -- the check judges what was observed ------------------------------------------------------


def observed(url: str, code: int, **facts: Any) -> dict[str, Any]:
    """A result as the link checker now stores it: the facts, and a verdict judged when stored
    (here deliberately wrong, as if by an older rule, to show that the check judges again)."""
    base = {"failure": None, "retried": 0, "browser_asked": False, "soft_404": None}
    return status(url, None, code, **{**base, **facts})


@pytest.mark.parametrize(
    ("facts", "kind", "words"),
    [
        ({"code": 404}, "broken", "返回 404"),
        ({"code": 500, "retried": 2}, "server-error", "重试 2 次"),
        ({"code": 200, "soft_404": "页面显示“页面不存在”"}, "soft-404", "页面不存在"),
        ({"code": 403, "browser_asked": True, "browser_status": 403}, "blocked", "请人工确认"),
        ({"code": 403, "browser_asked": True, "browser_status": 200}, None, "浏览器复核正常"),
        ({"code": 200, "blocked_page": True}, "blocked", "未经浏览器复核"),
        (
            {"code": None, "failure": {"kind": "dns", "reason": "域名无法解析（DNS 查询失败）"}},
            "dns",
            "域名无法解析",
        ),
    ],
)
def test_the_check_judges_the_stored_observation_again(facts, kind, words) -> None:
    from auditor.checks.link_rules import judge_link

    code = facts.pop("code")
    result = observed(POLICY, code, **facts)
    assert judge_link(result)[0] == kind and words in judge_link(result)[1]
    found = findings(page([link(POLICY, "政策文件")], link_status={POLICY: result}))
    if kind is None:
        assert [f.outcome for f in found] == [Outcome.PASS]
    else:
        assert found[0].data["kind"] == kind and words in found[0].message
