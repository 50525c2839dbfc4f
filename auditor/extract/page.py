"""Pull the identity items out of a rendered footer/header: pure functions over artifacts.

Real markup varies (底部功能区): identifiers split across ``<span>`` s, no-break spaces,
``号`` missing, ``备：``, duplicate desktop/mobile footers. Everything is matched on the footer's
visible text with whitespace normalised, and the first (desktop) occurrence wins. Each result keeps
the smallest footer block that shows it, so evidence can outline the exact element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.artifacts import Artifacts, Image, Link, TextBlock

# 31 provincial units; ICP uses 蜀/黔/滇/陇/秦 too (《非经营性互联网信息服务备案管理办法》备案编号).
PROVINCE_ABBR = "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀贵黔云滇藏陕秦甘陇青宁新"
# First two digits of GB/T 2260 province codes (网站标识码).
PROVINCE_CODES = frozenset(
    [str(n) for n in (*range(11, 16), 21, 22, 23, *range(31, 38), *range(41, 47))]
    + [str(n) for n in (*range(50, 55), *range(61, 66))]
)

_SPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u3000]+")
_CODE_LABEL = r"(?:政府)?(?:网站)?标识码\s*[：:]?\s*"
SITE_CODE_RE = re.compile(_CODE_LABEL + r"((?:bm|BM)\d{8}|\d{10})(?!\d)")
# Digits split by spaces or a 12-digit typo: kept as found, so the format check can report it.
SITE_CODE_LOOSE_RE = re.compile(
    _CODE_LABEL + r"((?:bm|BM)\s*\d[\d\s]{7,9}|\d(?:\s?\d){8,11})(?!\d)"
)
ICP_RE = re.compile(
    rf"([{PROVINCE_ABBR}])\s*ICP\s*(备|证)\s*[：:]?\s*(\d{{6,10}})\s*(号)?(?:\s*[-－—]\s*(\d{{1,3}}))?"
)
# Legacy city forms such as 郑公备 (公安机关备案) have no province abbreviation.
POLICE_RE = re.compile(
    r"([\u4e00-\u9fff])\s*(公网安备|公安备|公备|网安备)\s*[号：:]?\s*(\d{6,16})\s*(号)?"
)
POLICE_LINK_RE = re.compile(r"beian\.(?:mps\.)?gov\.cn/.*recordcode=(\d+)")
SPONSOR_RE = re.compile(r"(?:^|[\s|｜]|网站)主办(?:单位)?\s*[：:]?\s*(\S.*)")
SPONSOR_SUFFIX_RE = re.compile(r"([^\s：:|｜,，;；]{4,40})\s*主办")
_SPONSOR_STOP = re.compile(
    r"\s{2,}|\s*[|｜;；]|\s+(?=\S+[：:])|承办|协办|技术支持|运维|版权|地址|电话|联系|"
    rf"(?:政府)?网站标识码|标识码|[{PROVINCE_ABBR}]ICP|ICP|[{PROVINCE_ABBR}]公网安备|备案|\s+Copyright|©"
)
PHONE_RE = re.compile(r"(?<!\d)(?:0\d{2,3}[-－—\s]?\d{7,8}|1[3-9]\d{9}|12345|\d{3,4}-\d{5})(?!\d)")
ADDRESS_RE = re.compile(r"(?:联系)?地址\s*[：:]\s*\S+")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CONAC_SCRIPT_RE = re.compile(
    r"(?:https?:)?//dcs\.conac\.cn/js/(\d{2})/(\d{3})/(\d{4})/(\d{8})/CA\1\2\3\4\d{4}\.js"
)
CONAC_LINK_RE = re.compile(r"bszs\.conac\.cn/sitename\?.*method=show", re.I)
JIUCUO_SCRIPT_RE = re.compile(
    r"(?:https?:)?//(zfwzgl\.www\.gov\.cn|pucha\.kaipuyun\.cn)/exposure/jiucuo\.js"
)
JIUCUO_LINK_RE = re.compile(r"(zfwzgl\.www\.gov\.cn|pucha\.kaipuyun\.cn)/exposure/jiucuo\.html")


def squash(text: str) -> str:
    """Collapse every kind of whitespace (NBSP, ideographic space, en space) to one space."""
    return _SPACE.sub(" ", text or "").strip()


def nospace(text: str) -> str:
    return _SPACE.sub("", text or "")


@dataclass(frozen=True)
class Found:
    """An identifier as shown: normalised value, visible text, and where it is drawn."""

    value: str
    text: str
    block: TextBlock | None = None
    data: dict[str, Any] = field(default_factory=dict)


def smallest_block(blocks: list[TextBlock], needle: str) -> TextBlock | None:
    """The smallest drawn block whose text contains ``needle`` (whitespace ignored)."""
    want = nospace(needle)
    hits = [b for b in blocks if b.rect and want in nospace(b.text)]
    if not hits:
        return None
    return min(hits, key=lambda b: b.rect.width * b.rect.height if b.rect else 0)


def footer_lines(art: Artifacts) -> list[str]:
    return [squash(line) for line in art.footer.text.splitlines() if line.strip()]


def _first(art: Artifacts, pattern: re.Pattern[str]) -> re.Match[str] | None:
    for line in footer_lines(art):
        m = pattern.search(line)
        if m:
            return m
    return None


def site_code(art: Artifacts) -> Found | None:
    """网站标识码 as shown in the footer (10 digits or bm+8; malformed values kept as found)."""
    m = _first(art, SITE_CODE_RE) or _first(art, SITE_CODE_LOOSE_RE)
    if not m:
        return None
    value = (
        nospace(m.group(1)).lower() if m.group(1).lower().startswith("bm") else nospace(m.group(1))
    )
    return Found(value, squash(m.group(0)), smallest_block(art.footer.blocks, m.group(0)))


def is_valid_site_code(code: str) -> bool:
    if re.fullmatch(r"bm\d{8}", code):
        return True
    return bool(re.fullmatch(r"\d{10}", code)) and code[:2] in PROVINCE_CODES


def icp(art: Artifacts) -> Found | None:
    """ICP备案编号; ``data`` says whether it is linked to beian.miit.gov.cn."""
    m = _first(art, ICP_RE)
    if not m:
        return None
    abbr, kind, digits, hao, suffix = m.groups()
    value = f"{abbr}ICP{kind}{digits}号" + (f"-{suffix}" if suffix else "")
    text = squash(m.group(0))
    links = [lk for lk in art.links if "beian.miit.gov.cn" in lk.href]
    near = [lk for lk in links if nospace(digits) in nospace(lk.text)] or links
    block = smallest_block(art.footer.blocks, m.group(0))
    return Found(
        value,
        text,
        block,
        {
            "abbr": abbr,
            "kind": kind,
            "digits": digits,
            "has_hao": bool(hao),
            "suffix": suffix,
            "linked": bool(near),
            "link": near[0].href if near else "",
        },
    )


def police_record(art: Artifacts) -> Found | None:
    """公安机关备案 number; ``data`` has the linked recordcode and whether the form is standard."""
    m = _first(art, POLICE_RE)
    if not m:
        return None
    abbr, mark, digits, hao = m.groups()
    codes = [cm.group(1) for lk in art.links if (cm := POLICE_LINK_RE.search(lk.href)) is not None]
    return Found(
        f"{abbr}公网安备{digits}号",
        squash(m.group(0)),
        smallest_block(art.footer.blocks, m.group(0)),
        {
            "abbr": abbr,
            "mark": mark,
            "digits": digits,
            "has_hao": bool(hao),
            "standard": abbr in PROVINCE_ABBR and mark == "公网安备" and len(digits) == 14,
            "link_codes": codes,
        },
    )


def sponsor(art: Artifacts) -> Found | None:
    """主办单位, only from the footer region (an article's own 主办单位 line is not the site's)."""
    for line in footer_lines(art):
        m = SPONSOR_RE.search(line)
        if m:
            name = _SPONSOR_STOP.split(m.group(1), maxsplit=1)[0].strip(" ：:")
            if name:
                return Found(name, squash(m.group(0)), smallest_block(art.footer.blocks, name))
        m = SPONSOR_SUFFIX_RE.search(line)
        if m and "承办" not in m.group(1):
            name = m.group(1)
            return Found(name, squash(m.group(0)), smallest_block(art.footer.blocks, m.group(0)))
    return None


def contact(art: Artifacts) -> list[Found]:
    """Contact items in the footer: a 联系我们 link, phone numbers, addresses, e-mail."""
    out: list[Found] = []
    for lk in art.links:
        if lk.region == "footer" and re.search(r"联系我们|联系方式", lk.label):
            out.append(
                Found("联系我们", lk.label, _link_block(lk), {"kind": "link", "href": lk.href})
            )
            break
    for line in footer_lines(art):
        for kind, pattern in (("phone", PHONE_RE), ("address", ADDRESS_RE), ("email", EMAIL_RE)):
            for m in pattern.finditer(line):
                if kind == "phone" and _looks_like_identifier(line, m):
                    continue
                block = smallest_block(art.footer.blocks, m.group(0))
                out.append(Found(m.group(0), m.group(0), block, {"kind": kind}))
    return out


def _looks_like_identifier(line: str, m: re.Match[str]) -> bool:
    """Digits inside an ICP, 公网安备 or 标识码 number are not a phone number."""
    before = line[max(0, m.start() - 12) : m.start()]
    return bool(re.search(r"ICP|备|标识码|邮编|邮政编码|QQ", before))


def _link_block(lk: Link) -> TextBlock:
    return TextBlock(text=lk.label, selector=lk.selector, rect=lk.rect, snippet=lk.snippet)


def _image_block(img: Image) -> TextBlock:
    return TextBlock(text=img.alt or "", selector=img.selector, rect=img.rect, snippet=img.snippet)


def conac(art: Artifacts) -> Found | None:
    """党政机关网站标识: the rendered badge link, a static link, or the dcs.conac.cn script."""
    for img in art.images:
        href = img.link_href
        if CONAC_LINK_RE.search(href) or ("conac" in img.src.lower() and "imgConac" in img.snippet):
            variant = _badge_variant(img.src)
            return Found("static-link", href or img.src, _image_block(img), {"image": variant})
    for img in art.images:
        if img.snippet and 'id="imgConac"' in img.snippet:
            variant = _badge_variant(img.src)
            return Found("rendered", img.src, _image_block(img), {"image": variant})
    for lk in art.links:
        if CONAC_LINK_RE.search(lk.href):
            return Found("link-only", lk.href, _link_block(lk), {"image": ""})
    for s in art.scripts:
        if CONAC_SCRIPT_RE.search(s.src) or "dcs.conac.cn/js/" in s.src:
            return Found("script", s.src, None, {"image": "", "rendered": False})
    return None


def _badge_variant(src: str) -> str:
    name = urlsplit(src).path.rsplit("/", 1)[-1].lower()
    if "error" in name:
        return "error"
    if name.startswith("blue"):
        return "blue"
    return "red" if name.startswith("red") else name


def sitemap_link(art: Artifacts) -> Link | None:
    """The visible 网站地图/站点地图 link (footer first, then anywhere on the page).

    A link the page's own CSS hides at the audited width (a mobile-only footer) is not offered
    to a visitor, so it does not count.
    """
    candidates = [
        lk for lk in art.links if lk.visible and re.search(r"网站地图|站点地图", lk.label)
    ]
    candidates.sort(key=lambda lk: lk.region != "footer")
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class ErrorReportEntry:
    """A “我为政府网站找错” entry: its sitecode and the element that carries it."""

    sitecode: str
    host: str
    element: TextBlock | None


def error_report_entries(art: Artifacts) -> list[ErrorReportEntry]:
    out: list[ErrorReportEntry] = []
    for s in art.scripts:
        m = JIUCUO_SCRIPT_RE.search(s.src)
        if m or s.id == "_jiucuo_":
            code = s.attrs.get("sitecode", "")
            out.append(ErrorReportEntry(code, m.group(1) if m else "", None))
    for lk in art.links:
        m = JIUCUO_LINK_RE.search(lk.href)
        if m:
            code = parse_qs(urlsplit(lk.href).query).get("site_code", [""])[0]
            out.append(ErrorReportEntry(code, m.group(1), _link_block(lk)))
    for img in art.images:
        if "exposure/images/jiucuo" in img.src:
            code = parse_qs(urlsplit(img.src).query).get("v", [""])[0]
            out.append(ErrorReportEntry(code, urlsplit(img.src).hostname or "", _image_block(img)))
    return out


def header_names(art: Artifacts) -> list[str]:
    """Every place the header shows a name: its text and the alt/title of its images and links."""
    names = [squash(art.header.text)] if art.header.text.strip() else []
    for img in art.images:
        if img.region == "header" or (img.rect and img.rect.y < 320):
            names += [squash(x) for x in (img.alt, img.title) if x]
    for lk in art.links:
        if lk.region == "header" and lk.title:
            names.append(squash(lk.title))
    return names
