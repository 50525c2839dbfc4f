"""政务新媒体二维码: every QR code a page shows must scan to where its label says (issue 3).

Reads only ``Artifacts.qr``, written by :func:`auditor.gather.qr.gather_qr`, which did the decoding and
the HTTP probes; this check only turns its verdicts into findings. The message carries the label
and the decoded payload, so the evidence picture (the code, outlined, with the message written
under it) is self-explanatory when attached to a notice.
"""

from __future__ import annotations

from typing import Any

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, Scoring, check
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
        basis="四川 2020Q1 通报“二维码不能正常使用”；出处与分值未核实 [M] — standards.md §4.3, §7.4",
    ),
    severity=Severity.SERIOUS,
    rule="网站展示的政务新媒体二维码须能正常扫码并指向所标注的平台（扫描后乱码或无法下载即扣分）"
    " — standards.md §4.3, §7.4 NM1–NM3",
    requires=("qr",),
)
def qr_image(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面展示的二维码须能识别，且扫码结果与标注的平台一致、可以打开。"""
    if not page.qr:
        raise NotApplicable("页面未展示二维码")
    return [_problem(c) for c in page.qr if c.get("kind") in KINDS]


def _problem(c: dict[str, Any]) -> Problem:
    return Problem(
        message=c.get("reason") or f"二维码问题：{c['kind']}",
        outcome=Outcome.REVIEW if c.get("review") else Outcome.FAIL,
        selector=c.get("selector", ""),
        snippet=c.get("snippet", ""),
        rect=Rect.from_dict(c.get("rect")),
        data={
            "kind": c["kind"],
            "payload": c.get("payload"),
            "caption": c.get("caption", ""),
            "expected": c.get("expected", ""),
            "found": c.get("found", ""),
        },
    )
