"""Reading links: which URLs to test, and what a status, a network error or a body says.

Nothing here does I/O, so every rule is unit-testable with plain values. The link checker
(``gather/links.py``) does the HTTP and records what it saw with these; ``checks/link_rules.py``
judges the record. The kinds follow 国办秘函〔2019〕19号 链接可用性 (broken = status ≥ 400,
a timeout over 15 s, or a DNS failure; the vendors' classes are 404/408/5xx), plus the kinds a real
crawl of government sites needs so that a finding is not a false alarm:

- ``blocked`` (401/403/407/412/429 or a WAF page): government sites ban crawlers, so this is a
  question for the real browser and, if still blocked, for a person — never a plain failure;
- ``soft-404``: the CMS answers 200 with a "页面不存在" page, or sends every dead link to the home
  page; found by the page's own wording or by comparing with a random URL on the same host;
- ``tls``: an invalid certificate is its own finding (browsers show a full-page warning).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from auditor.artifacts import Artifacts

# -- kinds -----------------------------------------------------------------------------------------

BROKEN: Final = "broken"
SERVER_ERROR: Final = "server-error"
TIMEOUT: Final = "timeout"
DNS: Final = "dns"
TLS: Final = "tls"
SOFT_404: Final = "soft-404"
BLOCKED: Final = "blocked"
REDIRECT_LOOP: Final = "redirect-loop"
ERROR: Final = "error"
KINDS: Final = (
    BROKEN,
    SERVER_ERROR,
    TIMEOUT,
    DNS,
    TLS,
    SOFT_404,
    BLOCKED,
    REDIRECT_LOOP,
    ERROR,
)

# 401/407 (login or proxy wall) are not "broken" for the public but not provably fine either:
# like WAF answers they go to the real browser and then to a person.
BLOCKED_STATUSES: Final = frozenset({401, 403, 407, 412, 429})
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})

# -- which URLs ------------------------------------------------------------------------------------

ATTACHMENT_EXTENSIONS: Final = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "wps",
        "et",
        "ofd",
        "txt",
        "rtf",
        "zip",
        "rar",
        "7z",
        "gz",
        "csv",
    }
)
_HTML_EXTENSIONS: Final = frozenset(
    {"html", "htm", "shtml", "xhtml", "jsp", "php", "asp", "aspx", "do", "action", "cgi"}
)
_HOME_PATHS: Final = frozenset(
    {
        "",
        "/",
        "/index.html",
        "/index.htm",
        "/index.shtml",
        "/index.jsp",
        "/index.php",
        "/index.asp",
        "/index.aspx",
        "/default.htm",
        "/default.html",
        "/default.aspx",
        "/default.asp",
        "/default.jsp",
    }
)


def normalize_url(url: str) -> str | None:
    """The URL as checked and cached: http(s) only, fragment dropped, scheme and host lower-cased.

    None for anything a link checker must not fetch (``javascript:``, ``mailto:``, ``tel:``,
    ``data:``, a bare ``#fragment``, a host-less URL). ``a.html#x`` and ``a.html#y`` are one request.
    """
    text = url.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((scheme, parts.netloc.lower(), parts.path, parts.query, ""))


def extension(url: str) -> str:
    """The lower-case extension of the URL's last path segment ("" if none)."""
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def is_attachment(url: str) -> bool:
    """A downloadable document (pdf/doc/xls/zip…), counted as an attachment by link-health."""
    return extension(url) in ATTACHMENT_EXTENSIONS


def urls_to_check(art: Artifacts) -> list[str]:
    """Every ``a[href]`` (attachments included) and ``img[src]`` on the page, once, http(s) only.

    Hidden links count too: a dead link is dead whether or not it is drawn, and hidden links are
    where dark links live. The page's own URL is left out (it was just loaded, and
    ``href="#top"`` resolves to it). Order is document order, links first.
    """
    own = {normalize_url(u) for u in (art.url, art.final_url) if u}
    hrefs: Iterable[str] = [link.href for link in art.links] + [img.src for img in art.images]
    out: dict[str, None] = {}
    for href in hrefs:
        key = normalize_url(href)
        if key and key not in own:
            out.setdefault(key)
    return list(out)


def is_home_url(url: str) -> bool:
    """A site's front door: ``/``, ``/index.html``, ``/default.aspx``… with no query."""
    parts = urlsplit(url)
    return not parts.query and parts.path.lower() in _HOME_PATHS


def looks_like_html(content_type: str, url: str) -> bool:
    """Whether a body is worth reading for soft-404 signs (an image or a PDF never is)."""
    ct = content_type.split(";", 1)[0].strip().lower()
    if ct:
        return ct in ("text/html", "application/xhtml+xml")
    ext = extension(url)
    return ext == "" or ext in _HTML_EXTENSIONS


# -- statuses and errors ---------------------------------------------------------------------------


def kind_of_status(status: int) -> str | None:
    """The kind of a final HTTP status (after redirects); None means the status itself is fine."""
    if status in BLOCKED_STATUSES:
        return BLOCKED
    if status == 408:  # the vendors count 408 with timeouts
        return TIMEOUT
    if 400 <= status <= 499:  # broken = status >= 400 (404/410 are the usual ones)
        return BROKEN
    if 500 <= status <= 599:
        return SERVER_ERROR
    return None


def status_reason(status: int, kind: str | None) -> str:
    """Chinese wording for a status, completing “链接“X”（url）…”."""
    if kind is None:
        return f"返回 {status}，正常"
    if status == 404:
        return "返回 404，无法访问"
    if status == 410:
        return "返回 410，页面已删除"
    if kind == BLOCKED:
        return f"返回 {status}，访问被拦截"
    if kind == SERVER_ERROR:
        return f"返回 {status}（服务器错误），无法访问"
    if kind == TIMEOUT:
        return f"返回 {status}（请求超时），无法访问"
    return f"返回 {status}，无法访问"


# -- bodies ------------------------------------------------------------------------------------

_CHARSET_IN_CT = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_CHARSET_IN_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_INVISIBLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_HEADING = re.compile(r"<h[12]\b[^>]*>(.*?)</h[12]\s*>", re.I | re.S)
_REFRESH = re.compile(
    r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]*content\s*=\s*[\"']?\s*\d*\s*;?\s*url\s*=\s*"
    r"[\"']?([^\"'>\s]+)",
    re.I,
)


def decode_body(body: bytes, content_type: str = "") -> str:
    """Text of a (possibly GBK) page: the header's charset, else the page's meta, else a guess.

    Many government CMSs still serve GB2312/GBK; GB18030 is their superset, so use it for all.
    """
    m = _CHARSET_IN_CT.search(content_type)
    raw = m.group(1) if m else None
    if raw is None and (mm := _CHARSET_IN_META.search(body[:4096])):
        raw = mm.group(1).decode("ascii", "replace")
    charsets = [raw.lower()] if raw else []
    charsets = ["gb18030" if c in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else c for c in charsets]
    for charset in [*charsets, "utf-8", "gb18030"]:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def _text_of(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def visible_text(page: str) -> str:
    """The words a reader sees (scripts, styles and comments dropped), whitespace collapsed."""
    return _text_of(_INVISIBLE.sub(" ", page))


def title_of(page: str) -> str:
    m = _TITLE.search(page)
    return _text_of(m.group(1)) if m else ""


def headings_of(page: str) -> list[str]:
    return [_text_of(h) for h in _HEADING.findall(_INVISIBLE.sub(" ", page))]


def meta_refresh_target(page: str, base_url: str) -> str | None:
    """Where a ``<meta http-equiv=refresh>`` sends the reader (absolute), if anywhere."""
    m = _REFRESH.search(page[:20_000])
    return urljoin(base_url, html.unescape(m.group(1))) if m else None


# Wording of "not found" pages seen on government CMSs (TRS, 大汉, 拓尔思, 政务云 templates).
_NOT_FOUND = re.compile(
    r"(?:页面|网页|文章|信息|内容|稿件|资源)(?:已被?删除|不存在|未找到|找不到|已下线|已撤销|已撤稿)"
    r"|找不到(?:该|此|您要访问的|您所访问的|您访问的|相关|所需)?(?:页面|网页|文章|信息)"
    r"|无法找到(?:该|此|您要访问的|您所访问的|您访问的)?(?:页面|网页)"
    r"|(?:页面|链接|网页)已失效"
    r"|(?:page|file|document)\s+not\s+found|404\s+not\s+found|\bnot\s+found\b"
    r"|错误\s*404|404\s*错误|\berror\s*404\b|\b404\s*error\b",
    re.I,
)
_BARE_404 = re.compile(r"(?<![\d.第])404(?![\d.号])")
# A not-found page is short. A long page that quotes "页面不存在" is usually an inspection report
# (政府网站检查情况的通报 lists such errors), so long bodies only count by title or heading.
_SHORT_PAGE_CHARS: Final = 1000
_SHORT_TITLE_CHARS: Final = 40


def not_found_wording(page: str) -> str | None:
    """The "page not found" wording in this page's title, headings or short body, if any."""
    title = title_of(page)
    for label in [title, *headings_of(page)]:
        if label and len(label) <= _SHORT_TITLE_CHARS:
            m = _NOT_FOUND.search(label) or _BARE_404.search(label)
            if m:
                return label
    text = visible_text(page)
    if len(text) <= _SHORT_PAGE_CHARS and (m := _NOT_FOUND.search(text)):
        return m.group(0)
    return None


# Challenge and block pages of the WAFs government sites use: 加速乐 (__jsl_clearance, HTTP 521),
# 瑞数 (412 + $_ts), 阿里云 (acw_sc__v2), 安全狗/云锁/创宇盾/长亭 and a generic "已被拦截".
_WAF_MARKERS = re.compile(
    r"__jsl_clearance|\$_ts\s*[=.\[]|acw_sc__v2|_waf_|safedog|yunsuo|365cyd|chaitin"
    r"|您的(?:访问|请求)(?:已被|被)(?:拦截|阻断|拒绝)|(?:访问|请求)已被(?:拦截|阻断)"
    r"|网站防火墙|web\s*应用防火墙|安全狗|云锁|创宇盾|疑似(?:黑客)?攻击",
    re.I,
)
_WAF_MAX_TEXT: Final = 1500


def looks_blocked(page: str) -> bool:
    """A WAF block or JavaScript-challenge page (short, and carrying a known vendor's marker)."""
    return len(visible_text(page)) <= _WAF_MAX_TEXT and bool(_WAF_MARKERS.search(page))


# -- soft-404 fingerprints ---------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_MIN_FINGERPRINT_CHARS: Final = 50


def signature(page: str, *urls: str) -> str:
    """A page's text with what varies per request removed: the URL it echoes, numbers, spacing.

    Two answers with the same signature are the same page; error pages often print the missing
    path, the time or a request id, and that must not make them look different.
    """
    text = visible_text(page)
    echoes: set[str] = set()
    for url in urls:
        path = urlsplit(url).path
        echoes |= {url, path, unquote(path), path.rsplit("/", 1)[-1]}
    for echo in sorted((e for e in echoes if len(e) > 1), key=len, reverse=True):
        text = text.replace(echo, " ")
    return _SPACE.sub(" ", _DIGITS.sub("0", text)).strip()


@dataclass(frozen=True)
class Fingerprint:
    """What a host answers for a URL that cannot exist (fetched once per host and run)."""

    status: int | None  # None: the probe itself failed
    final_url: str = ""
    redirected: bool = False
    signature: str = ""

    @property
    def soft(self) -> bool:
        """The host answers 2xx for missing pages, so a 200 proves nothing by itself."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def comparable(self) -> bool:
        """The body says enough to compare with: a near-empty JS shell (an SPA) does not."""
        return len(self.signature) >= _MIN_FINGERPRINT_CHARS


def soft_404_reason(
    url: str,
    final_url: str,
    redirected: bool,
    page: str | None,
    fingerprint: Fingerprint | None,
) -> str | None:
    """Why a 2xx answer is really "not found" (Chinese), or None if it looks like real content.

    ``url`` is the link as written, ``final_url`` where redirects ended, ``page`` the decoded body
    (None if not read), ``fingerprint`` the host's answer to a random URL (None if not fetched).
    """
    linked_home = is_home_url(url)
    if redirected and not linked_home and is_home_url(final_url):
        return f"被重定向到首页（{final_url}），原内容已不存在"
    if page is None:
        return None
    if wording := not_found_wording(page):
        return f"返回 200，但页面显示“{wording[:30]}”（软404）"
    target = meta_refresh_target(page, final_url)
    if target and not linked_home and is_home_url(target) and normalize_url(target) != url:
        return f"页面自动跳转到首页（{target}），原内容已不存在"
    if fingerprint is None or not fingerprint.soft or linked_home:
        return None
    if redirected and fingerprint.redirected and final_url == fingerprint.final_url:
        return f"与不存在的地址一样被重定向到 {final_url}（软404）"
    if fingerprint.comparable and signature(page, url, final_url) == fingerprint.signature:
        return "返回 200，但内容与该站点不存在页面的返回内容相同（软404）"
    return None
