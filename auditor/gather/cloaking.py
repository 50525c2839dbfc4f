"""The home page as a search engine's crawler and as a phone receive it (被劫持 hides there).

Hijacked government sites serve their visitors the real page and serve Baiduspider (or phones
arriving from a search) gambling content or a redirect to a foreign host, so the site's staff
never see it. This step asks for the home page again over plain HTTP, GET only, once per
variant, and records what each got: status, title, visible text, and where redirects and a
``<meta refresh>`` or ``location=`` script lead. Redirects are followed only on hosts this run
may contact and only to the site's own host; a redirect elsewhere is recorded, never fetched.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from auditor.errors import describe
from auditor.extract.links import decode_body, meta_refresh_target, title_of, visible_text
from auditor.gather import GatherContext
from auditor.httpclient import http_client

__all__ = ["VARIANTS", "fetch_variant", "gather"]

PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
# (key, who in Chinese, request headers)
VARIANTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "baidu",
        "百度搜索引擎爬虫",
        {
            "User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; "
            "+http://www.baidu.com/search/spider.html)",
            "Referer": "https://www.baidu.com/s?wd=%E6%94%BF%E5%BA%9C",
        },
    ),
    (
        "sogou",
        "搜狗搜索引擎爬虫",
        {"User-Agent": "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)"},
    ),
    ("so360", "360搜索引擎爬虫", {"User-Agent": "Mozilla/5.0 (compatible; 360Spider)"}),
    ("phone", "从搜索结果进入的手机", {"User-Agent": PHONE_UA, "Referer": "https://m.baidu.com/"}),
)
MAX_BYTES = 2_000_000
MAX_HOPS = 5
TEXT_CHARS = 20_000
TIMEOUT_S = 15.0
_SCRIPT_LOCATION = re.compile(
    r"""(?:window\.|top\.|self\.|document\.)?location(?:\.href)?\s*=\s*["']([^"']{4,300})["']""",
    re.I,
)


async def gather(ctx: GatherContext) -> None:
    url = ctx.url
    may_fetch = ctx.renderer.may_fetch
    # A crawler checks no certificate before reading a page: nor do we, we compare content.
    hosts = ctx.renderer.options.resolve
    async with http_client(
        hosts, verify=False, follow_redirects=False, timeout=TIMEOUT_S
    ) as client:
        variants = await asyncio.gather(
            *(
                fetch_variant(client, url, key, who, headers, may_fetch)
                for key, who, headers in VARIANTS
            )
        )
    ctx.art.cloaking = {"url": url, "variants": list(variants)}


async def fetch_variant(
    client: httpx.AsyncClient,
    url: str,
    key: str,
    who: str,
    headers: dict[str, str],
    may_fetch: Callable[[str], bool],
) -> dict[str, Any]:
    """What one kind of visitor gets: status, final address, title, text, where it is sent on."""
    result: dict[str, Any] = {"key": key, "who": who, "redirects": []}
    home_host = urlsplit(url).hostname or ""
    current = url
    try:
        for _hop in range(MAX_HOPS + 1):
            if not may_fetch(current):
                result.update(final_url=current, fetched=False)
                return result
            async with client.stream("GET", current, headers=headers) as response:
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) >= MAX_BYTES:
                        break
            location = response.headers.get("location")
            if response.is_redirect and location:
                target = urljoin(current, location)
                result["redirects"].append(target)
                current = target
                if (urlsplit(target).hostname or "") != home_host:
                    result.update(final_url=target, fetched=False)  # recorded, never fetched
                    return result
                continue
            page = decode_body(body, response.headers.get("content-type", ""))
            script = _SCRIPT_LOCATION.search(page[:50_000])
            result.update(
                final_url=current,
                fetched=True,
                status=response.status_code,
                title=title_of(page),
                text=visible_text(page)[:TEXT_CHARS],
                refresh=meta_refresh_target(page, current) or "",
                script_location=urljoin(current, script.group(1)) if script else "",
            )
            return result
        result.update(final_url=current, fetched=False, error="跳转次数过多")
    except (httpx.HTTPError, OSError) as exc:
        result.update(final_url=current, fetched=False, error="无法抓取", detail=describe(exc))
    return result
