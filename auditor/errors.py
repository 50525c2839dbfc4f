"""Exceptions turned into words: safely, and in Chinese for people.

Why one module: every probe and gatherer records why it failed, and an error handler that itself
fails (``str(exc).splitlines()[0]`` on a timeout with an empty message) loses the very error it was
handling — the probe's result vanishes and a veto check reads as pass. :func:`describe` cannot
fail. :func:`human_load_error` turns a browser's navigation error into a sentence about the site
(连接被拒绝, 域名无法解析 …); the browser's own text stays in the JSON ``data`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LoadError", "describe", "first_line", "human_load_error"]


def first_line(value: object, limit: int = 300) -> str:
    """The first non-empty line of ``str(value)``; never raises."""
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # a __str__ that raises
        text = ""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


def describe(exc: BaseException, limit: int = 300) -> str:
    """``Type: first line`` of an exception or of its first cause that says something.

    Works for empty messages (``TimeoutError()``), non-string arguments and chained exceptions;
    never raises.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = first_line(current, limit)
        if text:
            return f"{type(current).__name__}: {text}"[:limit]
        current = current.__cause__ or current.__context__
    return type(exc).__name__


@dataclass(frozen=True)
class LoadError:
    """Why a page did not load: a Chinese sentence, a stable kind, and whether to try again."""

    message: str  # 中文, for people
    kind: (
        str  # timeout | dns | refused | reset | tls | not-html | redirect | browser | http | error
    )
    transient: bool  # a browser-side hiccup rather than an answer from the site
    detail: str = ""  # the browser's own words (JSON data only)


# (pattern in the browser's message, kind, Chinese sentence, transient)
_LOAD_ERRORS: tuple[tuple[str, str, str, bool], ...] = (
    ("is interrupted by another navigation", "browser", "页面加载被另一次跳转打断", True),
    ("chrome-error://", "browser", "浏览器加载页面时出错", True),
    ("Target page, context or browser has been closed", "browser", "浏览器标签页意外关闭", True),
    ("Target closed", "browser", "浏览器标签页意外关闭", True),
    ("crash", "browser", "浏览器渲染进程崩溃", True),
    ("Timeout", "timeout", "页面{seconds}秒内未打开", False),
    ("ERR_TIMED_OUT", "timeout", "页面{seconds}秒内未打开", False),
    ("ERR_NAME_NOT_RESOLVED", "dns", "域名无法解析", False),
    ("ENOTFOUND", "dns", "域名无法解析", False),
    ("ERR_NAME_RESOLUTION_FAILED", "dns", "域名无法解析", False),
    ("ERR_CONNECTION_REFUSED", "refused", "连接被拒绝", False),
    ("ECONNREFUSED", "refused", "连接被拒绝", False),
    ("ERR_CONNECTION_RESET", "reset", "连接被重置", False),
    ("ECONNRESET", "reset", "连接被重置", False),
    ("ERR_CONNECTION_CLOSED", "reset", "连接被服务器关闭", False),
    ("ERR_CONNECTION_TIMED_OUT", "timeout", "连接超时", False),
    ("ERR_ADDRESS_UNREACHABLE", "refused", "服务器地址不可达", False),
    ("ERR_EMPTY_RESPONSE", "reset", "服务器未返回任何数据", False),
    ("ERR_CERT", "tls", "网站证书无效", False),
    ("ERR_SSL", "tls", "HTTPS 握手失败", False),
    ("ERR_UNSAFE_REDIRECT", "redirect", "跳转到了非网页地址", False),
    ("ERR_UNKNOWN_URL_SCHEME", "redirect", "跳转到了非网页地址", False),
    ("ERR_TOO_MANY_REDIRECTS", "redirect", "重定向次数过多", False),
    ("ERR_INVALID_URL", "error", "网址格式无效", False),
    ("ERR_INVALID_RESPONSE", "error", "服务器返回了无效的响应", False),
    ("Download is starting", "not-html", "返回的是下载文件而非网页", False),
    ("ERR_ABORTED", "not-html", "页面加载被中止（可能返回的是下载文件）", False),
)
_NET_CODE = re.compile(r"net::(ERR_[A-Z_]+)")


def human_load_error(raw: object, timeout_ms: int = 15_000) -> LoadError:
    """The Chinese sentence for a browser navigation error (``Page.goto: net::ERR_…``)."""
    detail = first_line(raw, 500)
    seconds = max(1, round(timeout_ms / 1000))
    for key, kind, text, transient in _LOAD_ERRORS:
        if key in detail:
            return LoadError(text.format(seconds=seconds), kind, transient, detail)
    code = _NET_CODE.search(detail)
    if code:
        return LoadError("页面无法打开（网络错误）", "error", False, detail)
    return LoadError("页面无法打开", "error", False, detail)
