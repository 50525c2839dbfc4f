"""What is wrong with what a QR code says (pure, no I/O).

A code that leads elsewhere than its label says is ``target-mismatch``; one whose text is
mojibake is ``garbled``; one whose URL fails is ``target-unreachable``; an image that does not
load is ``image-broken`` (各地检查通报：“扫描后显示乱码或无法下载”). The
gatherer (:mod:`auditor.gather.qr`) leaves what it read and what the probes answered; the
``qr-image`` check judges it here, so ``check --from`` judges saved pages again.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.extract.platforms import Platform, Platforms, Target, has_word, target_of

__all__ = [
    "Verdict",
    "garbled_reason",
    "judge_image_status",
    "judge_payload",
    "judge_target_status",
]

# -- payloads --------------------------------------------------------------------------------


def garbled_reason(text: str) -> str | None:
    """Why a decoded text is 乱码, or None when it reads as intended.

    Catches U+FFFD, control characters, UTF-8 read as Latin-1/CP1252 (“Ã¤Â”), as Shift-JIS
    (“謾ｿ蜉｡”), and as GBK (“绀轰緥”). Genuine Chinese is written in GB2312 characters, so GBK
    mojibake is recognised by characters outside GB2312 that turn back into UTF-8.
    """
    if "\ufffd" in text:
        return "含替换字符 U+FFFD，字节无法按任何编码解读"
    if any("\x80" <= c <= "\xff" and c not in _LATIN_OK for c in text):
        for enc in ("latin-1", "cp1252"):
            if _utf8_behind(text, enc):
                return f"UTF-8 文字被按 {enc.upper()} 解码"
        return "含西文重音或控制字符，疑似按 ISO-8859-1 误解码"
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        return "含不可见控制字符"
    if text.isascii():
        return None
    kana = any("\u3040" <= c <= "\u30ff" or "\uff61" <= c <= "\uff9f" for c in text)
    if kana and (_utf8_behind(text, "shift_jis") or _utf8_behind(text, "cp932")):
        return "UTF-8 文字被按 Shift-JIS 解码，出现日文假名"
    if not _encodable(text, "gb2312") and _utf8_behind(text, "gbk"):
        return "UTF-8 文字被按 GBK 解码，出现生僻字"
    return None


_LATIN_OK = "·×÷°±©®§¥£€¢µ¼½¾ "  # printed in real Chinese pages


def _utf8_behind(text: str, enc: str) -> bool:
    """``text`` is UTF-8 bytes mis-read as ``enc``: re-encoding gives different, valid UTF-8.

    A cut-off last character is allowed: a mis-reading decoder often drops the odd final byte.
    """
    try:
        fixed = codecs.getincrementaldecoder("utf-8")().decode(text.encode(enc), final=False)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return fixed != text and not fixed.isascii()


def _encodable(text: str, enc: str) -> bool:
    try:
        text.encode(enc)
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Verdict:
    """One finding's worth: kind, whether it is only for review, and what to say."""

    kind: str
    reason: str
    review: bool = False
    expected: str = ""
    found: str = ""


def judge_payload(
    payload: str, hints: Sequence[str], label: str, platforms: Platforms, site_host: str = ""
) -> tuple[Target, Verdict | None]:
    """``garbled`` or ``target-mismatch`` for a decoded payload, or None when it fits its label."""
    target = target_of(payload, platforms, site_host)
    shown = _short(payload, 100)
    said = f"二维码标注为“{_short(label, 24)}”，" if label else "二维码"
    bad = garbled_reason(payload)
    if bad:
        return target, Verdict(
            "garbled",
            f"{said}扫码结果为乱码：“{shown}”（{bad}）",
            expected="可正常显示的网址或文字",
            found=payload,
        )
    hinted = [p for h in hints if (p := platforms.get(h)) is not None]
    wanted = platforms.names(hints) or "政府网站或政务新媒体平台"
    where = target.host or shown
    if target.kind == "platform":
        if not hinted or target.platform in hints or any(p.accepts_any_platform for p in hinted):
            return target, None
        return target, Verdict(
            "target-mismatch",
            f"{said}扫码结果却指向{platforms.names([target.platform])} {where}"
            f"（应为{wanted}链接）；扫码内容：{shown}",
            expected=wanted,
            found=payload,
        )
    if target.kind in ("gov", "site", "trusted"):
        if not hinted or any(p.accepts_gov for p in hinted):
            return target, None
        return target, Verdict(
            "target-mismatch",
            f"{said}扫码结果却是网站页面 {where}（应为{wanted}链接），请核实；扫码内容：{shown}",
            review=True,
            expected=wanted,
            found=payload,
        )
    if target.kind in ("shortener", "cloud"):
        what = (
            "短链接，无法确认最终指向"
            if target.kind == "shortener"
            else "云存储地址，无法确认发布者"
        )
        return target, Verdict(
            "target-mismatch",
            f"{said}扫码结果指向 {where}（{what}），请核实；扫码内容：{shown}",
            review=True,
            expected=wanted,
            found=payload,
        )
    if target.kind == "other":
        # A code labelled as an account must lead to that platform: elsewhere it is hijacked.
        # Unlabelled codes and app/mobile labels may lead to surveys or vendors: review.
        account = any(not p.accepts_gov for p in hinted)
        return target, Verdict(
            "target-mismatch",
            f"{said}扫码结果却指向 {where}（非政府、非平台域名，"
            + ("疑似被劫持" if account else "请核实是否为本单位发布")
            + f"）；扫码内容：{shown}",
            review=not account,
            expected=wanted,
            found=payload,
        )
    # plain text (or an unknown scheme): fine on an unlabelled code, not where a link is promised
    if not hinted:
        return target, None
    return target, Verdict(
        "target-mismatch",
        f"{said}扫码结果却是文字“{shown}”，不是可打开的网址（应为{wanted}链接）",
        expected=wanted,
        found=payload,
    )


_DNS = re.compile(r"NAME_NOT_RESOLVED|getaddrinfo|Name or service not known|ENOTFOUND|域名", re.I)


def judge_target_status(
    status: int | str | None, target: Target, label: str, payload: str, platforms: Platforms
) -> Verdict | None:
    """``target-unreachable`` when the decoded URL fails, else None.

    Platforms turn automated requests away (403, 412, 432…), so there only 404/410 and an
    unknown domain are certain; other failures there are for review.
    """
    if status is None or (isinstance(status, int) and status < 400):
        return None
    shown = _short(payload, 100)
    said = f"二维码“{_short(label, 24)}”" if label else "二维码"
    app = target.platform == "app" or any(
        has_word(label, k) for k in (platforms.get("app") or Platform("app", "")).keywords
    )
    failed = f"HTTP {status}" if isinstance(status, int) else _short(status, 80)
    certain = (
        target.kind != "platform"
        or status in (404, 410)
        or (isinstance(status, str) and _DNS.search(status) is not None)
    )
    what = "无法下载" if app else "无法打开"
    return Verdict(
        "target-unreachable",
        f"{said}扫码结果 {shown} {what}（{failed}）",
        review=not certain,
        expected="可访问的页面" + ("或下载" if app else ""),
        found=failed,
    )


def judge_image_status(status: int | str | None, src: str, label: str) -> Verdict:
    """``image-broken`` for an image the browser could not show (natural width 0)."""
    said = f"二维码图片“{_short(label, 24)}”" if label else "二维码图片"
    where = _short(src, 100) or "（无地址）"
    if status is None:
        reason = "图片地址为空" if not src else "图片数据无效，浏览器无法显示"
        return Verdict("image-broken", f"{said}无法显示（{reason}）：{where}", found=reason)
    if isinstance(status, int) and status < 400:
        return Verdict(
            "image-broken",
            f"{said}未能显示，但服务器返回 HTTP {status}（可能不是有效图片，或为懒加载未触发），"
            f"请核实：{where}",
            review=True,
            found=f"HTTP {status}",
        )
    failed = f"HTTP {status}" if isinstance(status, int) else _short(str(status), 80)
    return Verdict("image-broken", f"{said}无法加载（{failed}）：{where}", found=failed)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
