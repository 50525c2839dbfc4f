"""DemoServer and the bundled demo site: the fixture every browser test and benchmark stands on.

Only urllib and the stdlib HTML parser here, no browser: if these fail, browser test failures
elsewhere are about the server or the fixture site, not about the auditor.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from http.client import HTTPResponse
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import pytest

from auditor.checks import CHECKS_BY_ID
from auditor.demo import SITE_ROOT, DemoServer

CHECK_IDS = set(CHECKS_BY_ID)
# Broken on purpose: the home page's APP QR image (qr-image, kind image-broken).
SEEDED_MISSING = {"/static/qr/app.png"}
HTML_PAGES = sorted(p.relative_to(SITE_ROOT).as_posix() for p in SITE_ROOT.rglob("*.html"))
ART = "art/2026/11/"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


def fetch(url: str, *, method: str = "GET", timeout: float = 10) -> HTTPResponse:
    response: HTTPResponse = urllib.request.urlopen(  # 127.0.0.1 only
        urllib.request.Request(url, method=method), timeout=timeout
    )
    return response


def status_of(url: str) -> int:
    try:
        with fetch(url) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def read_page(rel: str) -> str:
    """A site page as text, decoded with the charset its name implies."""
    encoding = "gbk" if rel.endswith(".gbk.html") else "utf-8"
    return (SITE_ROOT / rel).read_bytes().decode(encoding)


class _PageParser(HTMLParser):
    """Collects what the site tests need and checks that non-void tags are balanced."""

    VOID: ClassVar[frozenset[str]] = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
        | {"track", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()
        self.metas: dict[str, str] = {}
        self.charset = ""
        self.urls: list[str] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "meta" and "name" in a:
            self.metas[a["name"]] = a.get("content", "")
        if tag == "meta" and "charset" in a:
            self.charset = a["charset"].lower()
        for attr in ("href", "src", "action"):
            if attr in a:
                self.urls.append(a[attr])
        if tag == "h1":
            self._in_h1 = True
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data


def parse(rel: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(read_page(rel))
    parser.close()
    return parser


# -- the server ----------------------------------------------------------------------------------


def test_url_is_loopback_with_trailing_slash(server: DemoServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
    assert server.port > 0


def test_home_page_served_as_utf8_html(server: DemoServer) -> None:
    with fetch(server.url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "示例市人民政府" in response.read().decode("utf-8")


def test_gbk_page_declared_and_decodable_as_gbk(server: DemoServer) -> None:
    with fetch(server.url + ART + "art_1005.gbk.html") as response:
        assert response.headers["Content-Type"] == "text/html; charset=gbk"
        body = response.read()
    text = body.decode("gbk")
    assert "优化营商环境" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_static_assets_have_their_types(server: DemoServer) -> None:
    with fetch(server.url + "static/style.css") as response:
        assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    with fetch(server.url + "static/red.png") as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("code", [200, 403, 404, 500, 502, 503])
def test_status_path_returns_that_status_with_html(server: DemoServer, code: int) -> None:
    try:
        response = fetch(f"{server.url}__status/{code}")
    except urllib.error.HTTPError as err:
        response = err  # type: ignore[assignment]
    with response:
        assert response.status == code
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert str(code) in response.read().decode("utf-8")


def test_status_path_redirects_when_given_a_location(server: DemoServer) -> None:
    with fetch(f"{server.url}__status/302?location=/lxwm.html") as response:
        assert response.url.endswith("/lxwm.html")
        assert "联系我们" in response.read().decode("utf-8")


def test_status_path_rejects_codes_outside_200_599(server: DemoServer) -> None:
    assert status_of(f"{server.url}__status/999") == 404
    assert status_of(f"{server.url}__status/100") == 404


def test_unknown_paths_are_404(server: DemoServer) -> None:
    assert status_of(server.url + "no/such/page.html") == 404
    assert status_of(server.url + "__nope") == 404


def test_directories_without_index_are_404_not_listings(server: DemoServer) -> None:
    assert status_of(server.url + "static/") == 404


def test_head_requests_work_on_files_and_special_paths(server: DemoServer) -> None:
    with fetch(server.url + "index.html", method="HEAD") as response:
        assert response.status == 200
        assert response.read() == b""
    with fetch(server.url + "__binary", method="HEAD") as response:
        assert response.headers["Content-Type"] == "application/octet-stream"


def test_binary_path_is_octet_stream(server: DemoServer) -> None:
    with fetch(server.url + "__binary") as response:
        assert response.headers["Content-Type"] == "application/octet-stream"
        body = response.read()
    assert len(body) == int(response.headers["Content-Length"]) > 0
    assert b"\x00" in body


def test_slow_path_waits_the_asked_time(server: DemoServer) -> None:
    start = time.monotonic()
    with fetch(server.url + "__slow?ms=300") as response:
        assert response.status == 200
        response.read()
    assert time.monotonic() - start >= 0.29


def test_latency_delays_every_response() -> None:
    with DemoServer(latency_ms=200) as srv:
        for path in ("index.html", "static/red.png", "__status/404"):
            start = time.monotonic()
            status_of(srv.url + path)
            assert time.monotonic() - start >= 0.19, path


def test_never_path_trickles_and_does_not_block_stop() -> None:
    srv = DemoServer().start()
    response = fetch(srv.url + "__never", timeout=10)
    assert response.status == 200
    assert response.read(20)  # headers and the first bytes arrive; the body never ends
    start = time.monotonic()
    srv.stop()
    assert time.monotonic() - start < 3
    response.close()


def test_stop_is_idempotent_and_frees_the_port() -> None:
    srv = DemoServer().start()
    port = srv.port
    srv.stop()
    srv.stop()
    with pytest.raises(RuntimeError):
        _ = srv.url
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(1)
        sock.connect(("127.0.0.1", port))


def test_concurrent_requests_are_served_in_parallel() -> None:
    # A page stuck on /__slow must not hold up the others (the auditor renders pages concurrently).
    with DemoServer() as srv:
        slow = threading.Thread(target=status_of, args=(srv.url + "__slow?ms=2000",))
        slow.start()
        start = time.monotonic()
        assert status_of(srv.url + "index.html") == 200
        assert time.monotonic() - start < 1
        slow.join()


def test_custom_root_is_served(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>根</title>", encoding="utf-8")
    with DemoServer(tmp_path) as srv, fetch(srv.url) as response:
        assert "根" in response.read().decode("utf-8")


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        DemoServer(tmp_path / "missing")


def test_command_line_prints_the_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor.demo.server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        assert status_of(url + "sitemap.html") == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- the demo site -------------------------------------------------------------------------------


def load_expected() -> dict[str, dict[str, object]]:
    data = json.loads((SITE_ROOT / "expected.json").read_text(encoding="utf-8"))
    assert isinstance(data.pop("notes"), str)
    assert isinstance(data.pop("as_of"), str)  # the audit date the expectations hold for
    assert set(data.pop("site")["expected"]) <= CHECK_IDS  # site-level findings
    return data


def test_expected_json_lists_every_html_page_and_only_those() -> None:
    assert sorted(load_expected()) == HTML_PAGES


def test_expected_json_entries_are_well_formed() -> None:
    for page, entry in load_expected().items():
        assert entry["page_type"] in {"home", "column", "article"}, page
        expected = entry["expected"]
        assert isinstance(expected, list), page
        assert set(expected) <= CHECK_IDS, (page, set(expected) - CHECK_IDS)
        assert len(expected) == len(set(expected)), page
        # 127.0.0.1 is not a .gov.cn host; domain-name is a site-level check run on the home page.
        assert ("domain-name" in expected) == (entry["page_type"] == "home"), page


def test_every_page_is_served(server: DemoServer) -> None:
    for page in HTML_PAGES:
        assert status_of(server.url + page) == 200, page


@pytest.mark.parametrize("page", HTML_PAGES)
def test_page_parses_as_balanced_html(page: str) -> None:
    parsed = parse(page)
    assert not parsed.errors, parsed.errors
    assert not parsed.stack, f"unclosed: {parsed.stack}"
    assert {"html", "head", "title", "body", "header", "footer"} <= parsed.tags
    assert parsed.charset == ("gbk" if page.endswith(".gbk.html") else "utf-8")
    assert re.search(r'<html lang="zh-CN">', read_page(page))


@pytest.mark.parametrize("page", HTML_PAGES)
def test_local_links_resolve_to_files(page: str) -> None:
    base = f"http://127.0.0.1/{page}"
    for url in parse(page).urls:
        target = urlsplit(urljoin(base, url))
        if target.hostname != "127.0.0.1" or target.path in ("/hdjl/submit", "/search"):
            continue  # external (never fetched by tests) or a server route, not a page
        if target.path.startswith("/__"):
            continue  # art_1004's 相关链接: the server's seeded 404/500/slow/redirect paths
        if target.path in SEEDED_MISSING:
            assert not (SITE_ROOT / target.path.lstrip("/")).exists()
            continue
        path = SITE_ROOT / unquote(target.path).lstrip("/")
        if target.path.endswith("/"):
            path = path / "index.html"
        assert path.is_file(), f"{page}: {url} -> {path}"


def test_sitemap_links_every_page() -> None:
    linked = {urljoin("http://127.0.0.1/sitemap.html", u) for u in parse("sitemap.html").urls}
    for page in HTML_PAGES:
        url = "http://127.0.0.1/" + ("" if page == "index.html" else page)
        assert url in linked, page


def test_every_page_carries_the_site_meta_tags() -> None:
    for page in HTML_PAGES:
        metas = parse(page).metas
        assert metas["SiteName"] == "示例市人民政府", page
        assert metas["SiteDomain"] == "127.0.0.1", page
        assert metas["SiteIDCode"] == "3701000001", page


def test_seeded_meta_defects_are_present_and_only_there() -> None:
    expected = load_expected()
    column_tags = {"ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"}
    for page, entry in expected.items():
        metas = parse(page).metas
        if entry["page_type"] == "column":
            missing = column_tags - metas.keys()
            assert bool(missing) == ("meta-tags" in entry["expected"]), (page, missing)
        if entry["page_type"] == "article":
            pub = metas["PubDate"]
            strict = re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", pub) is not None
            assert strict != ("meta-format" in entry["expected"]), (page, pub)
    assert parse(ART + "art_1002.html").metas["PubDate"] == "2026-11-18 10\u223608"
    assert set(parse("col/zcwj/index.html").metas) >= {"ColumnName", "ColumnType"}


def test_article_visible_lines_match_meta_except_on_art_1003() -> None:
    for page in HTML_PAGES:
        if not page.startswith(ART):
            continue
        parsed, text = parse(page), read_page(page)
        source = re.search(r"来源：(\S+?)</span>", text)
        published = re.search(r"发布时间：([\d-]+ [\d:]+)", text)
        assert source and published, page
        title_same = parsed.metas["ArticleTitle"] == parsed.h1
        same = title_same and parsed.metas["ContentSource"] == source.group(1)
        assert same == (not page.endswith("art_1003.html")), page
        assert parsed.metas["PubDate"].replace("\u2236", ":") == published.group(1), page


def test_footer_defects_are_seeded_where_expected_lists_them() -> None:
    for page, entry in load_expected().items():
        footer = read_page(page).split('<footer class="footer"', 1)[1]
        assert ("ICP备" in footer) != ("footer-icp" in entry["expected"]), page
        assert ("公网安备 37010202000123号" in footer) != (
            "footer-police-record" in entry["expected"]
        ), page
        assert ("site_code=3701000001&" in footer) != ("footer-error-report" in entry["expected"])
    assert "鲁公安备：37010202000123" in read_page(ART + "art_1002.html")
    assert "主办单位：某某协会" in read_page(ART + "art_1004.html").split("<footer", 1)[0]


def test_message_form_post_is_received_and_confirmed(server: DemoServer) -> None:
    data = urlencode({"name": "测试", "phone": "13800000000", "content": "【测试】请忽略"}).encode()
    with urllib.request.urlopen(
        urllib.request.Request(server.url + "hdjl/submit", data=data), timeout=10
    ) as response:
        assert response.status == 200
        assert "提交成功" in response.read().decode("utf-8")
    assert server.messages[-1]["content"] == "【测试】请忽略"


def test_message_form_rejects_missing_fields(server: DemoServer) -> None:
    data = urlencode({"name": "测试"}).encode()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(
            urllib.request.Request(server.url + "hdjl/submit", data=data), timeout=10
        )
    assert info.value.code == 400
    assert "联系电话" in info.value.read().decode("utf-8")


def test_search_lists_pages_containing_the_query(server: DemoServer) -> None:
    with urllib.request.urlopen(
        server.url + "search?" + urlencode({"q": "部门动态"}), timeout=10
    ) as response:
        body = response.read().decode("utf-8")
    assert "col/bmdt/index.html" in body
    with urllib.request.urlopen(
        server.url + "search?" + urlencode({"q": "不存在的词语"}), timeout=10
    ) as response:
        assert "未找到相关结果" in response.read().decode("utf-8")
