"""Which images are QR candidates, and what is wrong with what a code says (pure, no I/O).

The words printed next to a code tell where it should lead (“微信公众号” → a WeChat URL); the
platform host lists in ``data/platforms.toml`` say which hosts are which. A code that leads
elsewhere is ``target-mismatch``; one whose text is mojibake is ``garbled``; one whose URL fails
is ``target-unreachable`` (standards.md §4.3 “扫描后显示乱码或无法下载”, §7.4 NM2–NM3).

Everything here works on plain values so tests can call it directly; :mod:`auditor.gather.qr`
does the pixels and the (injected) network.
"""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts, Image, TextBlock
from auditor.model import Rect

__all__ = [
    "Candidate",
    "Platform",
    "Platforms",
    "Target",
    "Verdict",
    "candidates",
    "garbled_reason",
    "hints_of",
    "judge_image_status",
    "judge_payload",
    "judge_target_status",
    "load_platforms",
    "nearby_text",
    "src_suggests_qr",
    "target_of",
]

# -- platform data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    keywords: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    accepts_gov: bool = False
    accepts_any_platform: bool = False


@dataclass(frozen=True)
class Platforms:
    """The contents of ``platforms.toml`` (plus any user file merged in)."""

    platforms: tuple[Platform, ...]
    government: tuple[str, ...] = ()
    trusted: tuple[str, ...] = ()
    shorteners: tuple[str, ...] = ()
    cloud_storage: tuple[str, ...] = ()

    def get(self, pid: str) -> Platform | None:
        return next((p for p in self.platforms if p.id == pid), None)

    def names(self, ids: Iterable[str]) -> str:
        """Human names of platform ids, joined with “或”."""
        names = [p.name for i in ids if (p := self.get(i)) is not None]
        return "或".join(dict.fromkeys(names))


def load_platforms(extra: Path | str | dict[str, Any] | None = None) -> Platforms:
    """The packaged platform lists, extended by a user TOML file (or its parsed dict).

    Lists are appended to and tables merged, so a user file holds only what it adds.
    """
    data = _packaged()
    if extra is not None:
        more = (
            extra
            if isinstance(extra, dict)
            else tomllib.loads(Path(extra).read_text(encoding="utf-8"))
        )
        data = _merge(data, more)
    return _build(data)


@cache
def _packaged_text() -> str:
    return resources.files("auditor.data").joinpath("platforms.toml").read_text(encoding="utf-8")


def _packaged() -> dict[str, Any]:
    return tomllib.loads(_packaged_text())


def _merge(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in more.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


def _build(data: dict[str, Any]) -> Platforms:
    platforms = tuple(
        Platform(
            id=pid,
            name=str(p.get("name", pid)),
            keywords=tuple(p.get("keywords", ())),
            hosts=tuple(h.lower().strip(".") for h in p.get("hosts", ())),
            schemes=tuple(s.lower() for s in p.get("schemes", ())),
            accepts_gov=bool(p.get("accepts_gov", False)),
            accepts_any_platform=bool(p.get("accepts_any_platform", False)),
        )
        for pid, p in data.get("platforms", {}).items()
    )
    hosts = data.get("hosts", {})

    def suffixes(key: str) -> tuple[str, ...]:
        return tuple(h.lower().strip(".") for h in hosts.get(key, ()))

    return Platforms(
        platforms,
        suffixes("government"),
        suffixes("trusted"),
        suffixes("shorteners"),
        suffixes("cloud_storage"),
    )


# -- labels ----------------------------------------------------------------------------------


def hints_of(text: str, platforms: Platforms) -> tuple[str, ...]:
    """Platform ids the label names, in data-file order.

    A catch-all label (“扫码”) counts only when nothing more specific is named: “微信扫码关注”
    is a WeChat code.
    """
    if not text:
        return ()
    found = [p for p in platforms.platforms if any(_has_word(text, k) for k in p.keywords)]
    specific = [p for p in found if not p.accepts_any_platform]
    return tuple(p.id for p in (specific or found))


def _has_word(text: str, keyword: str) -> bool:
    if keyword.isascii():
        return re.search(rf"(?<![A-Za-z]){re.escape(keyword)}(?![a-z])", text, re.I) is not None
    return keyword in text


_QR_SRC = re.compile(r"ewm|erweima|qr[-_]?code|qrcode|二维码|(?:^|[/_-])qr\d*(?:[._-]|$)", re.I)


def src_suggests_qr(src: str) -> bool:
    """File names such as ewm_wx.png, weixin_qrcode.jpg, QR1.png."""
    if src.startswith("data:"):
        return False
    return _QR_SRC.search(urlsplit(src).path.rsplit("/", 1)[-1]) is not None


# -- candidates ------------------------------------------------------------------------------

MIN_SIDE = 40  # drawn smaller than this, a code is an icon (share buttons), not something to scan


@dataclass(frozen=True)
class Candidate:
    """An image, or a region of the screenshot, that is or is said to be a QR code."""

    src: str
    selector: str
    rect: Rect | None
    caption: str  # the label a visitor reads: alt/title/nearby text
    hints: tuple[str, ...]  # platform ids named by the label
    natural_width: int = -1  # -1: not an <img> (CSS background or canvas, found by the scan)
    natural_height: int = -1
    visible: bool = True
    snippet: str = ""
    why: str = ""  # "label", "src" or "scan"


def candidates(
    art: Artifacts, platforms: Platforms, qr_boxes: Sequence[Rect] = ()
) -> list[Candidate]:
    """Images labelled with a platform word or named like a QR file, plus every QR region found.

    ``qr_boxes`` are regions of the screenshot where a QR code was seen; an image drawn over one
    becomes a candidate even without a label, and a region under no image (a CSS background or a
    canvas) becomes a candidate of its own, labelled by the text drawn next to it.
    """
    out: list[Candidate] = []
    covered: set[int] = set()
    for img in art.images:
        inside = [i for i, box in enumerate(qr_boxes) if img.rect and _contains(img.rect, box)]
        covered.update(inside)
        label_hints = hints_of(" ".join(filter(None, (img.alt, img.title))), platforms)
        hints = label_hints or hints_of(img.caption, platforms)
        why = "label" if hints else "scan" if inside else "src" if src_suggests_qr(img.src) else ""
        if not why:
            continue
        broken = img.natural_width == 0
        if (
            not inside
            and not broken
            and img.rect
            and min(img.rect.width, img.rect.height) < MIN_SIDE
        ):
            continue
        out.append(
            Candidate(
                src=img.src,
                selector=img.selector,
                rect=img.rect,
                caption=_label(img),
                hints=hints,
                natural_width=img.natural_width,
                natural_height=img.natural_height,
                visible=img.visible,
                snippet=img.snippet,
                why=why,
            )
        )
    for i, box in enumerate(qr_boxes):
        if i in covered:
            continue
        text = nearby_text(art, box)
        out.append(
            Candidate(
                src="",
                selector="",
                rect=box,
                caption=text,
                hints=hints_of(text, platforms),
                why="scan",
            )
        )
    return out


def _label(img: Image) -> str:
    return _clean(img.caption or " ".join(filter(None, (img.alt, img.title))), 80)


def _contains(outer: Rect, inner: Rect, slack: float = 4.0) -> bool:
    """The centre of ``inner`` lies inside ``outer`` (a code drawn by that image)."""
    cx, cy = inner.x + inner.width / 2, inner.y + inner.height / 2
    return (
        outer.x - slack <= cx <= outer.right + slack
        and outer.y - slack <= cy <= outer.bottom + slack
    )


NEAR = 48.0  # px: a caption sits right under, above or beside its code


def nearby_text(art: Artifacts, rect: Rect) -> str:
    """The text drawn next to a region (for codes that are CSS backgrounds, with no alt)."""
    blocks: list[TextBlock] = [
        *art.footer.blocks,
        *art.header.blocks,
        *art.headings,
        *art.info_blocks,
        *(TextBlock(text=ln.text, rect=ln.rect) for ln in art.links if ln.text),
    ]
    scored: list[tuple[float, str]] = []
    for b in blocks:
        if not b.rect or not b.text.strip():
            continue
        gap = _gap(rect, b.rect)
        if gap is not None and gap <= NEAR:
            scored.append((gap, b.text.strip()))
    texts = [t for _, t in sorted(scored)[:3]]
    return _clean(" ".join(dict.fromkeys(texts)), 80)


def _gap(a: Rect, b: Rect) -> float | None:
    """Distance between two boxes that face each other (overlap on the other axis), else None."""
    h_overlap = min(a.right, b.right) - max(a.x, b.x)
    v_overlap = min(a.bottom, b.bottom) - max(a.y, b.y)
    if h_overlap > 0 and v_overlap > 0:
        return 0.0
    if h_overlap > 0:
        return max(b.y - a.bottom, a.y - b.bottom)
    if v_overlap > 0:
        return max(b.x - a.right, a.x - b.right)
    return None


def _clean(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
class Target:
    """Where a payload leads."""

    kind: str  # platform, gov, site, trusted, shortener, cloud, other, text
    url: str = ""  # the URL to fetch ("" for custom schemes and text)
    host: str = ""
    platform: str = ""  # platform id when kind == "platform"


_HOSTLIKE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:[/?#]|$)", re.I)


def target_of(payload: str, platforms: Platforms, site_host: str = "") -> Target:
    """Classify a decoded payload by scheme and host."""
    text = payload.strip()
    if _HOSTLIKE.match(text):
        text = "http://" + text  # most scanners open "www.x.gov.cn/…" as a web address
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return Target("text")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and host:
        kind, platform = _host_kind(host, platforms, site_host)
        return Target(kind, text, host, platform)
    if scheme and not re.fullmatch(r"[a-z]", scheme):  # "c:\…" is a path, not a scheme
        for p in platforms.platforms:
            if scheme in p.schemes:
                return Target("platform", "", host, p.id)
    return Target("text", "", host)


def _host_kind(host: str, platforms: Platforms, site_host: str) -> tuple[str, str]:
    try:
        uhost = host.encode("ascii").decode("idna") if "xn--" in host else host
    except UnicodeError:
        uhost = host
    if site_host and _under(host, site_host.lower()):
        return "site", ""
    if any(_under(h, s) for h in (host, uhost) for s in platforms.government):
        return "gov", ""
    for p in platforms.platforms:
        if any(_under(host, s) for s in p.hosts):
            return "platform", p.id
    for kind, suffixes in (
        ("trusted", platforms.trusted),
        ("shortener", platforms.shorteners),
        ("cloud", platforms.cloud_storage),
    ):
        if any(_under(host, s) for s in suffixes):
            return kind, ""
    return "other", ""


def _under(host: str, suffix: str) -> bool:
    return host == suffix or host.endswith("." + suffix)


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
        _has_word(label, k) for k in (platforms.get("app") or Platform("app", "")).keywords
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
