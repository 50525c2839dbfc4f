"""互动交流、留言回应、年度报表、站内搜索: the probes in a real browser, the checks on their data."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from builders import link
from helpers import BrowserSession

from auditor.artifacts import Artifacts, Link
from auditor.checks.base import run_check
from auditor.checks.interaction import (
    annual_report,
    interaction_channel,
    message_response,
    service_entry,
    site_search,
)
from auditor.demo.server import DemoServer
from auditor.engine import AuditOptions, audit
from auditor.gather.interaction import TEST_MESSAGE, channels, probe_site
from auditor.model import Outcome, PageType, Rect, SiteSpec

SITE = SiteSpec(url="https://www.example.gov.cn/")
SHOWN_BOX = Rect(40.0, 400.0, 300.0, 80.0)


def home(links=(), interaction=None, as_of="2026-11-27") -> Artifacts:
    return Artifacts(
        url=SITE.url,
        page_type=PageType.HOME,
        links=list(links),
        interaction=interaction,
        as_of=as_of,
    )


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


# -- channel detection and the checks on hand-made probe data ------------------------------------


def test_petition_and_report_links_are_not_consultation_channels() -> None:
    page = home(
        [
            link("https://x.gov.cn/xf", "网上信访", region=""),
            link("https://x.gov.cn/jb", "违纪举报", region=""),
            link("https://x.gov.cn/ly", "我要留言", region=""),
        ]
    )
    assert [lk.text for lk in channels(page)] == ["我要留言"]


def test_no_consultation_channel_is_a_veto_failure() -> None:
    page = home([link("https://x.gov.cn/xf", "网上信访", region="")])
    finding = only(run_check(interaction_channel, page, SITE))
    assert finding.outcome is Outcome.FAIL and finding.role == "veto"


def probe_form(**overrides):
    form = {
        "found": True,
        "action": "https://x.gov.cn/submit",
        "fields": [{"name": "content", "type": "textarea", "required": True}],
        "has_submit": True,
        "captcha": {"present": False},
        "rect": {"x": 10, "y": 400, "width": 800, "height": 300},
    }
    probe = {
        "channel": {"text": "我要留言", "href": "https://x.gov.cn/ly"},
        "loaded": True,
        "status": 200,
        "url": "https://x.gov.cn/ly",
        "form": form,
        "action_status": 405,
        "empty_submit": {"validation_shown": True, "posted_empty": False, "js_errors": []},
        "message_rows": [],
    }
    for key, value in overrides.items():
        (form if key in form else probe)[key] = value
    return {"form": probe}


def channel_page(**overrides) -> Artifacts:
    return home([link("https://x.gov.cn/ly", "我要留言", region="")], probe_form(**overrides))


def test_working_form_passes() -> None:
    assert only(run_check(interaction_channel, channel_page(), SITE)).outcome is Outcome.PASS


def test_form_defects_are_each_reported() -> None:
    broken = channel_page(
        captcha={"present": True, "loaded": False, "src": "https://x.gov.cn/code.jpg"},
        action_status=404,
        empty_submit={"validation_shown": False, "posted_empty": True, "js_errors": []},
    )
    messages = [f.message for f in run_check(interaction_channel, broken, SITE)]
    assert any("验证码图片无法加载" in m for m in messages)
    assert any("返回 HTTP 404" in m for m in messages)
    assert any("必填项为空时仍可提交" in m for m in messages)


def test_channel_page_that_does_not_open_fails() -> None:
    finding = only(run_check(interaction_channel, channel_page(loaded=False, status=500), SITE))
    assert finding.outcome is Outcome.FAIL and "HTTP 500" in finding.message


def test_message_unanswered_for_over_three_months_is_a_veto() -> None:
    rows = [
        "关于路灯维修的咨询 2026-07-01 未回复",
        "咨询供暖 2026-11-01 2026-11-03 已答复",
    ]
    finding = only(run_check(message_response, channel_page(message_rows=rows), SITE))
    assert finding.outcome is Outcome.FAIL
    assert "至今未答复" in finding.message and finding.data["late"][0]["days"] == 149


def test_messages_answered_in_time_pass_and_old_ones_are_ignored() -> None:
    rows = [
        "咨询供暖 2026-11-01 2026-11-03 已答复",
        "很久以前的留言 2024-01-01 未回复",  # outside the one-year window
    ]
    assert only(run_check(message_response, channel_page(message_rows=rows), SITE)).outcome is (
        Outcome.PASS
    )


def test_annual_report_must_cover_last_year_after_january() -> None:
    links = [link("https://x.gov.cn/ndbb", "政府网站工作年度报表", region="")]
    old = home(links, {"annual_report": {"status": 200, "years": [2024]}})
    current = home(links, {"annual_report": {"status": 200, "years": [2025]}})
    broken = home(links, {"annual_report": {"status": 404, "years": []}})
    assert "2025年度" in only(run_check(annual_report, old, SITE)).message
    assert only(run_check(annual_report, current, SITE)).outcome is Outcome.PASS
    assert "年报链接不可用" in only(run_check(annual_report, broken, SITE)).message
    missing = only(run_check(annual_report, home(), SITE))
    assert missing.outcome is Outcome.FAIL


def test_search_without_matching_results_is_inaccurate() -> None:
    probe = {"box": True, "query": "冬季供暖", "navigated": True, "hits": []}
    finding = only(run_check(site_search, home(interaction={"search": probe}), SITE))
    assert finding.outcome is Outcome.FAIL and "检索信息不准确" in finding.message
    probe["hits"] = ["冬季供暖通知"]
    assert only(run_check(site_search, home(interaction={"search": probe}), SITE)).outcome is (
        Outcome.PASS
    )


def test_service_entry_is_found_by_its_words_and_judged_by_its_probe() -> None:
    links = [
        link("https://x.gov.cn/jdb", "街道办事处", region=""),  # an office, not a service
        link("https://zwfw.x.gov.cn/", "政务服务", region=""),
    ]
    ok = {"service": {"status": 200, "chars": 900, "guide_elements": ["事项名称"]}}
    assert only(run_check(service_entry, home(links, ok), SITE)).outcome is Outcome.PASS
    broken = only(run_check(service_entry, home(links, {"service": {"status": 502}}), SITE))
    assert broken.outcome is Outcome.FAIL
    assert "“政务服务”（https://zwfw.x.gov.cn/）无法打开（HTTP 502）" in broken.message
    blank = {"service": {"status": 200, "chars": 0}}
    assert "空白页面" in only(run_check(service_entry, home(links, blank), SITE)).message


def test_a_service_entry_drawn_as_a_picture_counts_by_its_alt() -> None:
    banner = Link(href="https://zwfw.x.gov.cn/", alt="网上办事大厅", rect=SHOWN_BOX)
    ok = {"service": {"status": 200, "chars": 900}}
    assert only(run_check(service_entry, home([banner], ok), SITE)).outcome is Outcome.PASS


def test_service_entry_missing_or_unreachable_is_for_review() -> None:
    only_office = home([link("https://x.gov.cn/jdb", "街道办事处", region="")], {"service": {}})
    missing = only(run_check(service_entry, only_office, SITE))
    assert missing.outcome is Outcome.REVIEW and "未找到办事服务入口" in missing.message
    links = [link("https://zwfw.x.gov.cn/", "网上办事", region="")]
    down = {"service": {"load_error": "无法解析域名", "detail": "net::ERR_NAME_NOT_RESOLVED"}}
    finding = only(run_check(service_entry, home(links, down), SITE))
    assert finding.outcome is Outcome.REVIEW and "net::" not in finding.message
    crashed = {"service": {"error": "探测超过时限未完成"}}
    assert only(run_check(service_entry, home(links, crashed), SITE)).outcome is Outcome.ERROR


# -- the probes in a real browser ----------------------------------------------------------------

BROKEN_FORM = """<!doctype html><html><head><meta charset="utf-8"><title>留言</title></head><body>
<form action="/nowhere" method="post"><input name="name"><textarea name="content"></textarea>
<img src="/missing-captcha.jpg" alt="验证码"><button type="submit">提交</button></form>
</body></html>"""


def run_probe(
    browser_session: BrowserSession, server: DemoServer, home_path: str, *, submit: bool = False
) -> dict:
    renderer = browser_session.renderer

    async def go() -> dict:
        async with renderer.site() as session:
            art = await session.render(server.url + home_path, None)
            return await session.with_tab(
                server.url,
                lambda tab: probe_site(
                    tab,
                    art,
                    fetch_status=renderer.fetch_status,
                    submit=submit,
                    guard=session.guard,
                ),
            )

    return browser_session.run(go)


def test_probe_finds_a_form_without_validation_and_writes_nothing(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    (root / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><a href="ly.html">我要留言</a></body></html>',
        encoding="utf-8",
    )
    (root / "ly.html").write_text(BROKEN_FORM, encoding="utf-8")
    probe = run_probe(browser_session, server, "index.html")["form"]
    assert probe["form"]["captcha"] == {
        "present": True,
        "loaded": False,
        "src": server.url + "missing-captcha.jpg",
    }
    assert probe["empty_submit"]["posted_empty"] is True  # the POST was attempted ...
    assert server.messages == []  # ... and aborted: nothing reached the site
    assert probe["action_status"] == 404


def test_service_probe_opens_the_entry_and_reads_the_guide(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    (root / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><a href="bs.html">网上办事</a></body></html>',
        encoding="utf-8",
    )
    (root / "bs.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><h1>办事指南</h1>'
        "<p>事项名称：户籍迁移</p><p>申请条件：……</p></body></html>",
        encoding="utf-8",
    )
    probe = run_probe(browser_session, server, "index.html")["service"]
    assert probe["status"] == 200
    assert probe["guide_elements"] == ["事项名称", "申请条件"]
    assert probe["link"]["href"] == server.url + "bs.html"


# The engine end to end (its own Renderer, with submit_forms on).
@pytest.mark.browser
def test_submit_forms_sends_a_marked_test_message_end_to_end(tmp_path: Path) -> None:
    with DemoServer() as server:
        options = AuditOptions(
            out_dir=tmp_path,
            max_pages=1,
            test_mode=True,
            submit_forms=True,
            as_of=date(2026, 11, 27),
        )
        run = asyncio.run(audit([SiteSpec(url=server.url)], options))
        assert [m["content"] for m in server.messages] == [TEST_MESSAGE]
    home_page = run.sites[0].pages[0]
    channel = next(f for f in home_page.findings if f.check == "interaction-channel")
    assert channel.outcome is Outcome.PASS
