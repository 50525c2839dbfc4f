"""The page's attachments, fetched and read for personal data (国办发〔2017〕47号 信息发布).

Which links: those to .pdf/.doc/.docx/.xls/.xlsx/.csv/.txt/.wps/.et files, and download links
(``download.jsp?id=…``, or a link whose text names such a file) whose answer's Content-Type or
Content-Disposition says it is one. Each is fetched once per site (``SiteSession.attachments``)
with a GET, only where this run may fetch, one host's share at a time (``Renderer.polite``), at
most ``MAX_BYTES`` (a larger file is recorded as too large, not read), at most ``PER_PAGE`` per
page and ``PER_SITE`` per site (the rest are counted as unchecked).

What is kept (``Artifacts.attachments``) is masked: per file its name, address, format, how it
was read, counts per kind, masked examples and locations. No full number is ever stored.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from auditor.artifacts import Link
from auditor.errors import describe
from auditor.extract.links import extension, normalize_url
from auditor.extract.personal import Scanner
from auditor.gather import GatherContext
from auditor.gather.documents import read_document
from auditor.httpclient import http_client

__all__ = ["EXTENSIONS", "attachment_links", "fetch_and_scan", "gather"]

EXTENSIONS: Final = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "wps", "et"})
MAX_BYTES: Final = 20 * 1024 * 1024
PER_PAGE: Final = 20
PER_SITE: Final = 100
TIMEOUT_S: Final = 15.0
FETCH_LIMIT_S: Final = 120.0  # one file, all of it (a slow server may trickle a big file)
READ_LIMIT_S: Final = 60.0  # parsing one file
MAX_HOPS: Final = 5
# Download links that name no file: checked by what they answer.
_DOWNLOAD = re.compile(
    r"download|attach|fujian|getfile|downfile|fileid|file\.(?:jsp|aspx?|php)", re.I
)
_CONTENT_TYPES: Final = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "text/plain": "txt",
    "application/kswps": "wps",
    "application/vnd.ms-works": "wps",
    "application/kset": "et",
}
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*[\w-]*''([^;]+)", re.I)
_FILENAME = re.compile(r'filename\s*=\s*"?([^";]+)"?', re.I)


class _TooLarge(Exception):  # noqa: N818 - an outcome
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


async def gather(ctx: GatherContext) -> None:
    """Read the page's attachments, or share another page's reading of the same file."""
    renderer = ctx.renderer
    cache = ctx.session.attachments
    as_of = renderer.options.as_of
    year = (as_of or date.today()).year
    due: list[tuple[str, Link, bool]] = []
    unchecked = 0
    for url, link, named in attachment_links(ctx.art.links, ctx.url):
        if not renderer.may_fetch(url):
            continue
        if len(due) >= PER_PAGE or (url not in cache and len(cache) >= PER_SITE):
            unchecked += named  # a download link past the caps may be a mere web page
            continue
        if url not in cache:
            work = fetch_and_scan(
                url,
                renderer.may_fetch,
                renderer.polite,
                this_year=year,
                hosts=renderer.options.resolve,
            )
            cache[url] = asyncio.ensure_future(work)
        due.append((url, link, named))
    # shield: another page of the site may be waiting for the same file
    results = await asyncio.gather(*(asyncio.shield(cache[url]) for url, _l, _n in due))
    items = []
    for (url, link, named), result in zip(due, results, strict=True):
        if result.get("status") == "not-attachment" and not named:
            continue  # a download-looking link that leads to a web page
        items.append({**result, "href": link.href, "name": file_name(link, url, result)})
    ctx.art.attachments = {"items": items, "unchecked": unchecked}


def attachment_links(links: list[Link], page_url: str) -> list[tuple[str, Link, bool]]:
    """(normalised URL, first link to it, whether the address or text names a document)."""
    own = normalize_url(page_url)
    out: dict[str, tuple[str, Link, bool]] = {}
    for link in links:
        url = normalize_url(link.href)
        if not url or url == own or url in out:
            continue
        named = extension(url) in EXTENSIONS or _text_ext(link.text) in EXTENSIONS
        if named or _DOWNLOAD.search(urlsplit(url).path + "?" + urlsplit(url).query):
            out[url] = (url, link, named)
    return list(out.values())


async def fetch_and_scan(
    url: str,
    may_fetch: Callable[[str], bool],
    polite: Callable[[str], asyncio.Semaphore],
    *,
    this_year: int,
    hosts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One attachment: downloaded (capped), read, scanned; only masked results come back."""
    result: dict[str, Any] = {"url": url}
    try:
        async with polite(url):
            got = await asyncio.wait_for(_download(url, may_fetch, hosts), FETCH_LIMIT_S)
    except _TooLarge as big:
        return result | {"status": "too-large", "size": big.size, "reason": "附件过大，未检查"}
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        return result | {
            "status": "failed",
            "reason": "附件下载失败，未检查",
            "detail": describe(exc),
        }
    if got is None:
        return result | {"status": "not-fetched"}
    status, headers, body, final = got
    result.update(http_status=status, final_url=final, size=len(body))
    if status >= 400:  # nothing is published there (link-health reports the dead link)
        return result | {"status": "unavailable"}
    ext = _kind_of(headers, final)
    if not ext:
        return result | {"status": "not-attachment"}
    result["disposition_name"] = _disposition_name(headers.get("content-disposition", ""))
    scanner = Scanner(this_year=this_year)
    content_type = headers.get("content-type", "")
    try:
        reading = await asyncio.wait_for(
            asyncio.to_thread(read_document, body, ext, content_type, scanner), READ_LIMIT_S
        )
    except TimeoutError:
        return result | {"status": "unreadable", "reason": "附件过大或过于复杂，未能在时限内读完"}
    return result | reading.to_dict() | scanner.tally.to_dict()


async def _download(
    url: str, may_fetch: Callable[[str], bool], hosts: Mapping[str, str] | None = None
) -> tuple[int, httpx.Headers, bytes, str] | None:
    """GET ``url`` (redirects followed by hand, each hop allowed); None when it may not be."""
    # A citizen's download checks no certificate before reading the file: nor do we.
    async with http_client(
        hosts, verify=False, follow_redirects=False, timeout=TIMEOUT_S
    ) as client:
        current = url
        for _hop in range(MAX_HOPS + 1):
            if not may_fetch(current):
                return None
            async with client.stream("GET", current) as response:
                location = response.headers.get("location")
                if response.is_redirect and location:
                    current = urljoin(current, location)
                    continue
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_BYTES:
                    raise _TooLarge(int(declared))
                body = bytearray()
                if response.status_code < 400 and _kind_of(response.headers, current):
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_BYTES:
                            raise _TooLarge(len(body))
                return response.status_code, response.headers, bytes(body), current
        raise httpx.TooManyRedirects("跳转次数过多")


def _kind_of(headers: httpx.Headers, url: str) -> str:
    """The document kind the answer says it is ("" for a web page or an image)."""
    named = _text_ext(_disposition_name(headers.get("content-disposition", "")))
    if named in EXTENSIONS:
        return named
    ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype in _CONTENT_TYPES:
        return _CONTENT_TYPES[ctype]
    ext = extension(url)
    if ext in EXTENSIONS and ctype not in ("text/html", "application/xhtml+xml"):
        return ext
    if ext in ("xls", "doc") and ctype == "text/html":
        return ext  # a CMS export: an HTML table saved as .xls is read as one
    return ""


def _disposition_name(value: str) -> str:
    if m := _FILENAME_STAR.search(value):
        return unquote(m.group(1).strip())
    if m := _FILENAME.search(value):
        return unquote(m.group(1).strip())
    return ""


def _text_ext(text: str) -> str:
    text = text.strip().lower()
    return text.rsplit(".", 1)[-1] if "." in text else ""


def file_name(link: Link, url: str, result: dict[str, Any]) -> str:
    """What people call the file: the link's text when it names one, else the server's name for
    it, else the link's text with the file's extension, else the address's last part."""
    text = " ".join(link.text.split()) or " ".join(link.title.split())
    if text and _text_ext(text) in EXTENSIONS:
        return text
    if result.get("disposition_name"):
        return str(result["disposition_name"])
    ext = extension(url) or result.get("format", "")
    if text:
        return f"{text}.{ext}" if ext in EXTENSIONS else text
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or url
