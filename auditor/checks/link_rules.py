"""One checked link's verdict, judged from what the link checker observed (pure, no I/O).

The checker (``gather/links.py``) records the final status, the network failure, retries, a
firewall or “页面不存在” body and what the real browser answered; :func:`judge_link` turns that
into a kind and a Chinese reason, so ``check --from`` judges saved links with the current rules.
The kinds and the wording of statuses are in ``extract/links.py`` (国办秘函〔2019〕19号 链接可用性).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.extract.links import BLOCKED, ERROR, SOFT_404, TLS, kind_of_status, status_reason

__all__ = ["judge_link"]


_TLS_NOTE = "证书链不完整（缺少中间证书，浏览器可自动补全）"


def judge_link(r: Mapping[str, Any]) -> tuple[str | None, str]:
    """The kind (None: fine) and the Chinese reason of one checked URL, from what was observed.

    Results of older versions, internal errors and skipped URLs keep the verdict they stored.
    """
    if r.get("internal_error") or r.get("skipped") or "failure" not in r:
        return r.get("kind"), str(r.get("reason", ""))  # not observed: the stored answer stands
    retried = int(r.get("retried") or 0)
    again = f"（重试 {retried} 次后仍失败）" if retried else ""
    seen = r.get("browser_status")
    failure = r.get("failure")
    if failure:
        if failure.get("kind") == TLS and failure.get("browser_may_differ"):
            if seen is None:
                return TLS, failure["reason"]
            kind = kind_of_status(seen)
            if kind is None:
                return None, f"{_TLS_NOTE}；浏览器访问正常（{seen}）"
            return kind, f"{_TLS_NOTE}；浏览器复核{status_reason(seen, kind)}"
        return failure["kind"], failure["reason"] + again
    status = int(r["status"])
    if r.get("redirect_without_target"):
        return ERROR, f"返回 {status} 重定向，但未给出有效的目标地址"
    if r.get("blocked_page") or kind_of_status(status) == BLOCKED:
        what = f"返回 {status}，" if status != 200 else ""
        reason = f"{what}访问被服务器或防火墙拦截"
        if not r.get("browser_asked"):
            return BLOCKED, reason + "（未经浏览器复核，请人工确认）"
        if seen is None:
            return BLOCKED, reason + "（浏览器复核未能打开，请人工确认）"
        kind = kind_of_status(seen)
        if kind == BLOCKED:
            return BLOCKED, reason + f"（浏览器复核仍返回 {seen}，请人工确认）"
        if kind is None:
            return None, f"{reason}，但浏览器复核正常（{seen}）"
        return kind, f"浏览器复核{status_reason(seen, kind)}"
    kind = kind_of_status(status)
    if kind is not None:
        return kind, status_reason(status, kind) + again
    if r.get("soft_404"):
        return SOFT_404, str(r["soft_404"])
    return None, status_reason(status, None)
