"""axe-core gatherer: run axe on a rendered page, bounded in time, and keep plain JSON.

Why it looks like this:

- axe comes from the ``axe-playwright-python`` package (axe-core 4.12, bundled ``axe.min.js``), so
  audits work offline. We inject the script ourselves instead of calling the package's ``Axe.run``,
  because we need the locale, the frames and a hard time limit.
- Help texts are Chinese: the bundled script has no locales, so ``axe-zh_CN.json`` beside this file
  is axe-core 4.12.1's own ``locales/zh_CN.json``, unmodified (MPL-2.0, like ``axe.min.js``).
- Only the WCAG 2.0 A and AA rules run (tags ``wcag2a``, ``wcag2aa``): GB/T 37668-2019 follows WCAG
  2.0; axe's ``best-practice`` rules are not requirements of either.
- axe works synchronously on the page's main thread: on a 25 000-node page it took 59 s here, and
  nothing else (not even a screenshot) can run meanwhile. So the run is bounded with
  ``asyncio.wait_for``; when the limit passes, a busy main thread is interrupted with the DevTools
  ``Runtime.terminateExecution`` command and the page is probed, so the caller learns whether the
  tab can still be used (``page_usable``).
- Node rects are measured in the page right after the run, in document coordinates (viewport rect +
  scroll offsets, iframe offsets added), the coordinates of the full-page screenshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from functools import cache
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from auditor.browser.bounded import StepTimeout, TabWatch, open_cdp
from auditor.errors import describe
from auditor.js import script

__all__ = ["AXE_TAGS", "MAX_NODES_PER_RULE", "axe_version", "run_axe"]

AXE_TAGS = ("wcag2a", "wcag2aa")  # WCAG 2.0 A + AA: what GB/T 37668-2019 is built on
MAX_NODES_PER_RULE = 20  # a page can have thousands of low-contrast nodes; 20 prove the point
SNIPPET_MAX = 300
MAX_FRAMES = 10  # same bound as the gatherer: ad-heavy pages have dozens of iframes


@cache
def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


# Rules of axe 4.12's WCAG 2.0 set that its zh_CN locale does not translate (our wording).
_EXTRA_RULES_ZH = {
    "aria-tab-name": {
        "description": "确保每个 ARIA tab 元素都有可访问名称",
        "help": "ARIA tab 元素必须有可访问名称",
    },
    "summary-name": {
        "description": "确保 summary 元素有可辨识的文本",
        "help": "summary 元素必须有可辨识的文本",
    },
}


@cache
def _locale() -> dict[str, Any] | None:
    """axe-core's own zh_CN locale, plus the two rule texts it lacks; None (English) if missing."""
    try:
        res = resources.files("auditor.gather").joinpath("axe-zh_CN.json")
        data: dict[str, Any] = json.loads(res.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # an install without the data file: English texts beat no audit
    for rule, texts in _EXTRA_RULES_ZH.items():
        data["rules"].setdefault(rule, texts)
    return data


def axe_version() -> str:
    """Version of the bundled axe-core, read from the script's banner (``/*! axe v4.12.1``)."""
    head = _axe_script()[:40]
    return head.split("axe v", 1)[1].split()[0] if "axe v" in head else ""


# Runs in the page. Configures the Chinese locale, runs axe, then reduces the result to what the
# checks need: capped nodes, short snippets and document-coordinate rects.
_RUN = script("axe_run")

_CONFIGURE = (
    "(locale) => { if (window.axe) { try { window.axe.configure({ locale }); } catch (e) {} } }"
)


def _options(time_limit_s: float) -> dict[str, Any]:
    return {
        "runOnly": {"type": "tag", "values": list(AXE_TAGS)},
        "resultTypes": ["violations", "incomplete"],
        # A frame that never answers must not hold the run for axe's default 60 s.
        "frameWaitTime": int(max(1.0, min(10.0, time_limit_s / 2)) * 1000),
        "performanceTimer": False,
    }


async def run_axe(
    page: Page, *, time_limit_s: float = 20.0, watch: TabWatch | None = None
) -> dict[str, Any]:
    """Run axe on ``page`` as it is now; plain JSON, or ``{"error": reason}``. Never raises.

    The whole call (injection included) is bounded by ``time_limit_s``; recovering a page whose
    main thread axe still holds adds at most about 4.5 s. On timeout the result says whether the
    page is still usable (``page_usable``); if it is not, the caller should close the tab.
    ``watch`` is the tab's own DevTools watch, when the caller keeps one.
    """
    started = time.perf_counter()
    own = watch is None
    tab = watch or TabWatch(page, await open_cdp(page))
    try:
        result = await tab.run("axe", _inject_and_run(page, time_limit_s), time_limit_s)
    except StepTimeout as exc:
        return {
            "error": f"axe 检测超过 {time_limit_s:g} 秒未完成（页面过大或脚本未响应），已中止"
            + ("" if exc.usable else "；页面已无响应"),
            "timed_out": True,
            "page_usable": exc.usable,
            "duration_ms": _ms(started),
        }
    except PlaywrightError as exc:
        return {
            "error": "axe 检测失败",
            "detail": describe(exc),
            "page_usable": not page.is_closed(),
            "duration_ms": _ms(started),
        }
    finally:
        if own and tab.cdp is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(tab.cdp.detach(), 0.5)
    result["duration_ms"] = _ms(started)
    return result


async def _inject_and_run(page: Page, time_limit_s: float) -> dict[str, Any]:
    locale = _locale()
    await page.evaluate(_axe_script())
    # Frames get axe too, so their content is tested (real footers live in iframes); a frame that
    # cannot take it shows up as axe's own "frame-tested" incomplete result.
    for frame in page.frames[1 : MAX_FRAMES + 1]:
        if frame.is_detached():
            continue
        try:
            await frame.evaluate(_axe_script())
            await frame.evaluate(_CONFIGURE, locale)
        except PlaywrightError:
            continue
    result: dict[str, Any] = await page.evaluate(
        _RUN, [_options(time_limit_s), locale, MAX_NODES_PER_RULE, SNIPPET_MAX]
    )
    return result


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
