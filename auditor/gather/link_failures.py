"""Why an HTTP request got no answer: the exception chain read as a kind and a Chinese reason.

Kept apart from the pure rules in ``classify`` because it reads httpx's exception types, and the
checks (which import ``classify``) must load without the HTTP stack.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import httpx

from auditor.extract.links import DNS, ERROR, REDIRECT_LOOP, TIMEOUT, TLS


@dataclass(frozen=True)
class Failure:
    """Why a request got no HTTP answer, as a kind, a Chinese reason and what to do next."""

    kind: str
    reason: str
    retryable: bool = False  # worth another attempt with backoff (timeouts, dropped connections)
    browser_may_differ: bool = False  # a browser may succeed where httpx failed (AIA chain fetch)


# OpenSSL X509_V_ERR_* codes (ssl.SSLCertVerificationError.verify_code) a reader can act on.
_CERT_REASONS: Final = {
    9: "证书尚未生效",
    10: "证书已过期",
    18: "使用自签名证书",
    19: "证书链中含不受信任的自签名根证书",
    20: "无法验证证书颁发者（证书链不完整或根证书不受信任）",
    21: "无法验证证书（证书链不完整）",
    23: "证书已被吊销",
    62: "证书与域名不匹配",
    64: "证书与 IP 地址不匹配",
}
# Servers that omit the intermediate certificate work in Chrome (it fetches the issuer via AIA)
# but fail in Python; ask the browser before calling that a broken link.
_CHAIN_INCOMPLETE: Final = frozenset({20, 21})


def _causes(exc: BaseException) -> Iterable[BaseException]:
    """The exception and everything it was raised from (httpx wraps httpcore wraps socket/ssl)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify_exception(exc: BaseException, *, timeout_s: float) -> Failure:
    """The kind of a request that raised ``exc`` instead of answering."""
    chain = list(_causes(exc))
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = cause.verify_code
            detail = _CERT_REASONS.get(code) or cause.verify_message or "证书校验失败"
            if "hostname mismatch" in (cause.verify_message or "").lower():
                detail = _CERT_REASONS[62]
            return Failure(
                TLS, f"HTTPS 证书无效：{detail}", browser_may_differ=code in _CHAIN_INCOMPLETE
            )
    for cause in chain:
        if isinstance(cause, ssl.SSLError):
            return Failure(TLS, f"HTTPS 握手失败：{cause.reason or cause}", retryable=True)
        if isinstance(cause, socket.gaierror):
            # EAI_AGAIN is a resolver hiccup, worth a retry; "no such name" is final.
            again = cause.errno == socket.EAI_AGAIN
            return Failure(DNS, "域名无法解析（DNS 查询失败）", retryable=again)
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:  # an SSL error that lost its cause on the way up
        return Failure(TLS, "HTTPS 证书无效：证书校验失败")
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return Failure(TIMEOUT, f"{timeout_s:g} 秒内未响应", retryable=True)
    if isinstance(exc, httpx.TooManyRedirects):
        return Failure(REDIRECT_LOOP, "重定向次数过多（可能为重定向循环）")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return Failure(ERROR, f"链接地址无效：{text or type(exc).__name__}")
    if any(isinstance(c, ConnectionRefusedError) for c in chain):
        return Failure(ERROR, "无法连接服务器（连接被拒绝）", retryable=True)
    if isinstance(exc, httpx.ConnectError):
        return Failure(ERROR, "无法连接服务器", retryable=True)
    if isinstance(exc, httpx.TransportError | OSError):
        return Failure(ERROR, "连接中断，未收到完整响应", retryable=True)
    return Failure(ERROR, f"检查出错：{type(exc).__name__}: {text}"[:200])
