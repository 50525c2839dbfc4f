"""Browser probes behind the interaction checks: 互动交流 forms, 留言 lists, annual report, search.

These need a real browser (typing, clicking, validation messages), so they run once per site in
one of the engine's tabs and leave plain data on the home page's artifacts; the checks in
``auditor/checks/interaction.py`` judge that data (国办秘函〔2019〕19号 单项否决/互动回应差; 国办函〔2018〕12号 年度报表).

Nothing is written to a site unless ``submit`` is set (``--submit-forms``): the site context's
network guard aborts every request that is not GET/HEAD, pop-ups included, and the search probe
submits only GET search forms.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Dialog, Page, Response
from playwright.async_api import Error as PlaywrightError

from auditor.artifacts import Artifacts, Link
from auditor.browser.netguard import NetworkGuard
from auditor.errors import describe, first_line, human_load_error
from auditor.extract.entries import annual_report_links, channels, search_query, service_links
from auditor.gather import GatherContext
from auditor.js import script

VALIDATION_WORDS = re.compile(r"请填写|请输入|不能为空|必填|不得为空|请选择|格式不正确")
CONFIRM_WORDS = re.compile(r"成功|已提交|感谢|收到|受理|已收到")
CAPTCHA = re.compile(r"captcha|验证码|yzm|verify|checkcode|validatecode|randcode", re.I)
TEST_MESSAGE = "【自动化检查测试留言】此留言由政府网站检查工具提交，用于验证留言功能是否可用，请忽略，无需答复。"

FetchStatus = Callable[[str], Awaitable[int | str | None]]  # None: not fetched (test mode)


async def probe_site(
    page: Page,
    home: Artifacts,
    *,
    fetch_status: FetchStatus,
    submit: bool = False,
    timeout_ms: int = 15_000,
    guard: NetworkGuard | None = None,
) -> dict[str, Any]:
    """Every interaction probe for one site, each bounded and independent of the others.

    ``guard`` is the site context's network guard: it aborts every request that is not GET/HEAD
    (pop-ups included) and lets the test message through only with ``submit``.
    """
    result: dict[str, Any] = {"submit_forms": submit}
    probe = _Probe(page, guard or NetworkGuard(), timeout_ms)
    steps: list[tuple[str, Callable[[], Awaitable[dict[str, Any]]]]] = [
        ("form", lambda: _probe_form(probe, home, fetch_status, submit)),
        ("annual_report", lambda: _probe_annual_report(probe, home)),
        ("search", lambda: _probe_search(probe, home)),
        ("service", lambda: _probe_service(probe, home)),
    ]
    for name, step in steps:
        try:
            result[name] = await asyncio.wait_for(step(), timeout=timeout_ms / 1000 * 3)
        except TimeoutError:
            result[name] = {"error": "探测超过时限未完成", "detail": "TimeoutError"}
        except Exception as exc:  # one probe's failure is recorded, never lost or contagious
            result[name] = {"error": _probe_error(exc), "detail": describe(exc)}
    return result


def _probe_error(exc: BaseException) -> str:
    if isinstance(exc, PlaywrightError):
        return f"探测失败：{human_load_error(exc).message}"
    return "探测失败：程序内部错误"


class _Probe:
    """The probes' tab, its guard and time limits: every page-side call is bounded."""

    def __init__(self, page: Page, guard: NetworkGuard, timeout_ms: int) -> None:
        self.page = page
        self.guard = guard
        self.timeout_ms = timeout_ms

    async def goto(self, url: str) -> Response | None:
        return await self.page.goto(url, wait_until="load", timeout=self.timeout_ms)

    async def evaluate(self, script: str, arg: Any = None, limit_s: float = 10.0) -> Any:
        return await asyncio.wait_for(self.page.evaluate(script, arg), limit_s)

    def sent_since(self, since: float) -> list[dict[str, Any]]:
        return [a.to_dict() for a in self.guard.attempts_of(self.page, since)]


# -- 互动交流 form ---------------------------------------------------------------------------------

_FORM_FACTS = script("interaction_form")  # finds, describes and marks the form


async def _probe_form(
    probe: _Probe, home: Artifacts, fetch_status: FetchStatus, submit: bool
) -> dict[str, Any]:
    found = channels(home)
    if not found:
        return {"channel": None}
    link = found[0]
    out: dict[str, Any] = {"channel": {"text": link.label, "href": link.href}}
    response = await probe.goto(link.href)
    out["status"] = response.status if response else None
    out["url"] = probe.page.url
    if response is not None and response.status >= 400:
        out["loaded"] = False
        return out
    out["loaded"] = True
    facts = await probe.evaluate(_FORM_FACTS)
    out["message_rows"] = facts.pop("rows", [])
    out["truncated"] = facts.pop("truncated", {})  # list -> how many there were
    out["form"] = facts
    if not facts.get("found"):
        return out
    out["action_status"] = await fetch_status(facts["action"])
    out["empty_submit"] = await _empty_submit(probe)
    if submit:
        out["submission"] = await _submit_test_message(probe, out["url"])
    return out


_SUBMIT_BUTTON = (
    "form[data-auditor-form] button:not([type=button]):not([type=reset]), "
    "form[data-auditor-form] input[type=submit], form[data-auditor-form] input[type=image]"
)
# Submissions stay in this tab (a target="_blank" form would otherwise open a pop-up).
_SAME_TAB = "() => { const f = document.querySelector('form[data-auditor-form]'); if (f) f.target = '_self'; }"


async def _empty_submit(probe: _Probe) -> dict[str, Any]:
    """Click submit with every field empty; the guard aborts whatever the form tries to send."""
    page = probe.page
    dialogs: list[str] = []
    errors: list[str] = []
    since = time.monotonic()

    async def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message[:200])
        with contextlib.suppress(PlaywrightError):
            await dialog.dismiss()

    def on_error(exc: Any) -> None:
        errors.append(first_line(exc, 200))

    page.on("dialog", on_dialog)
    page.on("pageerror", on_error)
    try:
        await probe.evaluate(_SAME_TAB)
        before = await probe.evaluate("document.body ? document.body.innerText : ''")
        button = page.locator(_SUBMIT_BUTTON).first
        if await button.count():
            await button.click(timeout=5_000, no_wait_after=True)
        else:
            await probe.evaluate(
                "document.querySelector('form[data-auditor-form]').requestSubmit()"
            )
        await page.wait_for_timeout(800)
        invalid = await probe.evaluate(
            "(() => { const f = document.querySelector('form[data-auditor-form]');"
            " return f ? f.querySelectorAll(':invalid').length : 0; })()"
        )
        after = await probe.evaluate("document.body ? document.body.innerText : ''")
    except (PlaywrightError, TimeoutError) as exc:
        posted = probe.sent_since(since)
        return {
            "error": "点击提交后页面无响应或已离开",
            "detail": describe(exc),
            "posted_empty": bool(posted),
            "attempted": posted,
        }
    finally:
        page.remove_listener("dialog", on_dialog)
        page.remove_listener("pageerror", on_error)
    posted = probe.sent_since(since)
    new_text = after.replace(before, "") if after != before else ""
    shown = bool(invalid) or bool(dialogs) or bool(VALIDATION_WORDS.search(new_text))
    return {
        "validation_shown": shown and not posted,
        "posted_empty": bool(posted),
        "attempted": posted,  # what the form tried to send (every request aborted)
        "browser_invalid_fields": invalid,
        "dialogs": dialogs,
        "js_errors": errors,
    }


_FILL = script("interaction_fill")  # fills the marked form with the test message


async def _submit_test_message(probe: _Probe, form_url: str) -> dict[str, Any]:
    """Really submit a message marked as a test, and look for the site's confirmation.

    The empty submit may have left or changed the page, so the form is loaded afresh first.
    """
    page = probe.page
    await probe.goto(form_url)
    found = await probe.evaluate(_FORM_FACTS)
    if not found.get("found"):
        return {"submitted": False, "error": "重新打开留言页面后未找到表单"}
    await probe.evaluate(_SAME_TAB)
    await probe.evaluate(_FILL, TEST_MESSAGE)
    since = time.monotonic()
    try:
        with probe.guard.writable(page):
            async with page.expect_navigation(timeout=probe.timeout_ms, wait_until="load") as nav:
                await probe.evaluate(
                    "document.querySelector('form[data-auditor-form]').requestSubmit()"
                )
            response = await nav.value
    except (PlaywrightError, TimeoutError) as exc:
        return {
            "submitted": bool(probe.sent_since(since)),
            "error": "提交后页面未返回结果",
            "detail": describe(exc),
        }
    text = await probe.evaluate("document.body ? document.body.innerText : ''")
    confirmed = CONFIRM_WORDS.search(text)
    return {
        "submitted": True,
        "sent": probe.sent_since(since),
        "status": response.status if response else None,
        "confirmation": confirmed.group(0) if confirmed and (not response or response.ok) else "",
        "text": text[:300],
    }


# -- annual report -------------------------------------------------------------------------------


async def _probe_annual_report(probe: _Probe, home: Artifacts) -> dict[str, Any]:
    links = annual_report_links(home)
    if not links:
        return {"link": None}
    out, text = await _open_entry(probe, links[0])
    out["years"] = sorted({int(y) for y in re.findall(r"(20\d{2})\s*年", text)})
    return out


# -- 办事服务 --------------------------------------------------------------------------------------

# 国办秘函〔2019〕19号 服务不实用：办事指南重点要素类别包括事项名称、设定依据、申请条件、办理材料…
GUIDE_ELEMENTS = (
    "事项名称",
    "设定依据",
    "申请条件",
    "办理材料",
    "办理地点",
    "办理时间",
    "联系电话",
)


async def _probe_service(probe: _Probe, home: Artifacts) -> dict[str, Any]:
    """Open the home page's 办事服务 entry as a visitor would: does a working page answer?"""
    links = service_links(home)
    if not links:
        return {"link": None}
    try:
        out, text = await _open_entry(probe, links[0])
    except PlaywrightError as exc:  # the entry's page did not open: the site's answer, kept
        failed = human_load_error(exc).message
        return {"link": _described(links[0]), "load_error": failed, "detail": describe(exc)}
    out["chars"] = len(text.strip())
    out["guide_elements"] = [e for e in GUIDE_ELEMENTS if e in text]
    return out


async def _open_entry(probe: _Probe, link: Link) -> tuple[dict[str, Any], str]:
    """Follow an entry link of the home page: the link, the status and URL it ends at, its text."""
    response = await probe.goto(link.href)
    out: dict[str, Any] = {"link": _described(link)}
    out["status"] = response.status if response else None
    out["url"] = probe.page.url
    return out, await probe.evaluate("document.body ? document.body.innerText : ''")


def _described(link: Link) -> dict[str, Any]:
    return {"text": link.label, "href": link.href, "visible": link.visible}


# -- site search ---------------------------------------------------------------------------------

_SEARCH_INPUT = (
    "input[type=search], form[action*=search i] input[type=text], form[action*=sou i] "
    "input[type=text], input[placeholder*=搜索], input[placeholder*=检索], input[placeholder*=关键],"
    " input[aria-label*=搜索], input[name=q], input[name=keyword], input[name=searchword]"
)


async def _probe_search(probe: _Probe, home: Artifacts) -> dict[str, Any]:
    """Search a recent title through the site's own search box, if it searches by GET.

    A POST search form is not submitted (an audit never writes to a site): ``review``.
    """
    page = probe.page
    query = search_query(home)
    await probe.goto(home.final_url or home.url)
    box = page.locator(_SEARCH_INPUT).first
    if not await box.count() or not query:
        return {"box": False, "query": query}
    out: dict[str, Any] = {"box": True, "query": query, "start_url": page.url}
    method = await asyncio.wait_for(
        box.evaluate("(e) => e.form ? (e.form.getAttribute('method') || 'get').toLowerCase() : ''"),
        5.0,
    )
    out["method"] = method or "script"
    if method and method != "get":
        out["post_only"] = True  # not submitted
        return out
    await asyncio.wait_for(box.evaluate("(e) => { if (e.form) e.form.target = '_self'; }"), 5.0)
    await box.fill(query, timeout=5_000)
    since = time.monotonic()
    try:
        async with page.expect_navigation(timeout=probe.timeout_ms, wait_until="load"):
            await box.press("Enter", timeout=5_000)
    except (PlaywrightError, TimeoutError):
        out["navigated"] = False
        out["blocked"] = probe.sent_since(since)
        return out
    out["navigated"] = True
    out["blocked"] = probe.sent_since(since)
    out["results_url"] = page.url
    hits = await probe.evaluate(
        "(q) => Array.from(document.querySelectorAll('a')).filter((a) => a.innerText.includes(q))"
        ".map((a) => a.innerText.trim().slice(0, 80)).slice(0, 20)",
        query[:12],
    )
    out["hits"] = hits
    return out


async def gather(ctx: GatherContext) -> None:
    """The home page's probes, in one of the site's tabs, bounded as ten page loads."""
    renderer = ctx.renderer
    options = renderer.options
    ctx.art.interaction = await asyncio.wait_for(
        ctx.session.with_tab(
            ctx.url,
            lambda tab: probe_site(
                tab,
                ctx.art,
                fetch_status=renderer.fetch_status,
                submit=options.submit_forms,
                timeout_ms=options.settings.timeout_ms,
                guard=ctx.session.guard,
            ),
        ),
        options.settings.timeout_ms / 1000 * 10 + 30,
    )
