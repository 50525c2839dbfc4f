"""政务新媒体二维码: every QR code a page shows must scan to where its label says
(各地检查通报：“二维码扫描后显示乱码或无法下载”).

Reads only ``Artifacts.qr``, written by :func:`auditor.gather.qr.gather_qr`: what each code said,
how it was read, and what its image and target answered over HTTP. This check judges those facts
(``qr_rules``), so ``check --from`` judges saved pages again. The message carries the label and
the decoded payload, so the evidence picture (the code, outlined, with the message written under
it) is self-explanatory when attached to a notice.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, Scoring, check
from auditor.checks.qr_rules import (
    Verdict,
    judge_image_status,
    judge_payload,
    judge_target_status,
)
from auditor.extract.platforms import Platforms, load_platforms
from auditor.model import Outcome, Rect, Role, Severity, SiteSpec

KINDS = ("image-broken", "undecodable", "garbled", "target-mismatch", "target-unreachable")


@check(
    id="qr-image",
    name="二维码",
    indicator="功能设计/可用性",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="四川 2020Q1 通报“二维码不能正常使用”；出处与分值未核实",
    ),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号 政务新媒体检查指标（条文出处未核实）：网站展示的政务新媒体二维码须能正常扫码并指向"
    "所标注的平台（扫描后乱码或无法下载即扣分）",
    requires=("qr",),
)
def qr_image(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面展示的二维码须能识别，且扫码结果与标注的平台一致、可以打开。"""
    if not page.qr:
        raise NotApplicable("页面未展示二维码")
    site_host = (urlsplit(page.final_url or page.url).hostname or "").lower()
    found = [(c, verdict_of(c, _platforms(), site_host)) for c in page.qr]
    return [_problem(c, v) for c, v in found if v is not None]


def verdict_of(c: dict[str, Any], platforms: Platforms, site_host: str) -> Verdict | None:
    """What is wrong with one stored candidate, or None (not a code, or a code that is fine)."""
    if "note" not in c:  # stored by a version that judged while gathering
        kind = c.get("kind")
        return Verdict(kind, c.get("reason", ""), c.get("review", False)) if kind else None
    caption = c.get("caption", "")
    if c["note"] == "broken":
        return judge_image_status(c.get("image_status"), c["src"], caption)
    payload = c.get("payload")
    if payload is None:
        if not c.get("looks_like_qr") or c["note"] in ("not-drawn", "budget"):
            return None  # not a code, or not read this time: nothing to say either way
        said = f"标注为“{caption[:24]}”的二维码" if caption else "二维码"
        return Verdict(
            "undecodable",
            f"{said}无法识别：检出二维码定位图案，但 zxing、OpenCV、pyzbar 均未能解码"
            f"（已尝试 {c.get('attempts', 0)} 次，含放大、二值化、反色等预处理）",
            expected="可扫码识别的二维码",
            found="无法解码",
        )
    hints = tuple(h for h in c.get("platform_hint", "").split(",") if h)
    target, verdict = judge_payload(payload, hints, caption, platforms, site_host)
    if verdict is None:
        verdict = judge_target_status(c.get("target_status"), target, caption, payload, platforms)
    return verdict


@cache
def _platforms() -> Platforms:
    return load_platforms()


def _problem(c: dict[str, Any], v: Verdict) -> Problem:
    return Problem(
        message=v.reason or f"二维码问题：{v.kind}",
        outcome=Outcome.REVIEW if v.review else Outcome.FAIL,
        selector=c.get("selector", ""),
        snippet=c.get("snippet", ""),
        rect=Rect.from_dict(c.get("rect")),
        data={
            "kind": v.kind,
            "payload": c.get("payload"),
            "caption": c.get("caption", ""),
            "expected": v.expected,
            "found": v.found,
        },
    )
