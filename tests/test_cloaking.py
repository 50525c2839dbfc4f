"""被劫持 (cloaking, 国办秘函〔2019〕19号 单项否决/安全): the home page as crawlers and phones get it.

A server on 127.0.0.1 answers by User-Agent, as hijacked sites do: the gatherer fetches it for
real over HTTP, the check judges what it recorded.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from auditor.artifacts import Artifacts
from auditor.checks.base import run_check
from auditor.checks.security import cloaking
from auditor.gather.cloaking import gather
from auditor.model import Outcome, PageType, SiteSpec

VISITOR_PAGE = (
    "<html><head><title>示例市人民政府</title></head><body>政务公开 办事服务</body></html>"
)
SPIDER_PAGE = (
    "<html><head><title>澳门博彩</title></head><body>真人娱乐 百家乐 官方网站</body></html>"
)


class Hijacked(BaseHTTPRequestHandler):
    methods: ClassVar[list[str]] = []  # every request's method, whatever it is

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.methods.append(self.command)
        return ok

    def do_GET(self) -> None:
        agent = self.headers.get("User-Agent", "")
        if self.path.startswith("/redirect/") and "iPhone" in agent:
            self.send_response(302)
            self.send_header("Location", "http://www.88bet-casino.com/?from=gov")
            self.end_headers()
            return
        if self.path.startswith("/refresh/") and "Sogou" in agent:
            body = '<meta http-equiv="refresh" content="0;url=http://www.some-company.com.cn/">'
        elif self.path == "/" and "Baiduspider" in agent:
            body = SPIDER_PAGE
        else:
            body = VISITOR_PAGE
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hijacked)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def audited(url: str) -> list:
    art = Artifacts(
        url=url, final_url=url, status=200, page_type=PageType.HOME, title="示例市人民政府",
        body_text="政务公开 办事服务",
    )  # fmt: skip
    local = SimpleNamespace(
        may_fetch=lambda u: urlsplit(u).hostname == "127.0.0.1", options=SimpleNamespace(resolve={})
    )
    asyncio.run(gather(SimpleNamespace(url=url, renderer=local, art=art)))  # type: ignore[arg-type]
    found = run_check(cloaking, art, SiteSpec(url=url))
    return [f for f in found if f.outcome is not Outcome.PASS]


def test_words_only_a_crawler_is_served_fail_the_veto(server: str) -> None:
    (f,) = audited(server + "/")
    assert f.outcome is Outcome.FAIL and f.role.value == "veto"
    assert f.message.startswith("以百度搜索引擎爬虫身份访问首页时出现访问者看不到的“")
    assert {"百家乐", "真人娱乐"} <= set(f.data["words"])


def test_a_phone_sent_to_a_casino_fails_and_the_casino_is_never_contacted(server: str) -> None:
    Hijacked.methods.clear()
    (f,) = audited(server + "/redirect/")
    assert f.outcome is Outcome.FAIL and "www.88bet-casino.com" in f.message
    assert f.data["url"] == "http://www.88bet-casino.com/?from=gov"
    assert Hijacked.methods and set(Hijacked.methods) == {"GET"}  # 4 variants, GET only


def test_a_crawler_refreshed_to_an_ordinary_foreign_host_is_left_for_review(server: str) -> None:
    (f,) = audited(server + "/refresh/")
    assert f.outcome is Outcome.REVIEW and "www.some-company.com.cn" in f.message


def test_a_site_that_serves_everyone_the_same_page_passes(server: str) -> None:
    assert audited(server + "/clean/") == []


def test_a_home_page_no_crawler_could_fetch_is_left_for_review() -> None:
    (f,) = audited("http://127.0.0.1:9/")  # nothing listens on the discard port
    assert f.outcome is Outcome.REVIEW and f.message.startswith("无法以搜索引擎爬虫身份抓取首页")


# -- a visitor's page that sends itself away (every page, not only the home page) ---------------

ARTICLE = "https://www.example.gov.cn/art/2026/11/1.html"


def jumped(*chain: str, final_url: str = ARTICLE) -> list:
    page = Artifacts(
        url=ARTICLE, final_url=final_url, status=200, page_type=PageType.ARTICLE,
        self_navigation=list(chain),
    )  # fmt: skip
    findings = run_check(cloaking, page, SiteSpec(url="https://www.example.gov.cn/"))
    return [f for f in findings if f.outcome is not Outcome.PASS]


def test_an_article_that_jumps_to_a_casino_fails_the_veto() -> None:
    (f,) = jumped("http://www.88bet-casino.com/promo")
    assert f.outcome is Outcome.FAIL
    assert f.message.startswith("页面打开后自动跳转到 www.88bet-casino.com")
    assert "页面疑似被劫持" in f.message


def test_a_jump_to_an_ordinary_foreign_host_is_review_and_to_a_government_site_is_none() -> None:
    (f,) = jumped("https://www.some-company.com.cn/")
    assert f.outcome is Outcome.REVIEW
    assert jumped("https://www.shanghai.gov.cn/") == []  # page-stability's nuisance, not a hijack
    assert jumped(ARTICLE + "?v=2") == []


def test_an_http_redirect_to_a_casino_counts_as_the_visitor_s_jump() -> None:
    (f,) = jumped(final_url="http://www.88bet-casino.com/")
    assert f.outcome is Outcome.FAIL and "88bet-casino" in f.message
