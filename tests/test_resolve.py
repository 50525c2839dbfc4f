"""--resolve NAME=IP: a staging server audited under its real .gov.cn name (browser and httpx)."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import self_signed_certificate

from auditor.browser.renderer import AuditOptions, Renderer
from auditor.demo.server import DemoServer
from auditor.hostmap import ResolveError, chromium_rules, parse_resolve
from auditor.httpclient import http_client
from auditor.monitor.probe import client as monitor_client
from auditor.monitor.probe import probe
from auditor.monitor.runner import may_fetch_for

NAME = "www.shili.gov.cn"
SITE = Path(__file__).parent / "fixtures" / "staging"
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


# -- the mapping itself ------------------------------------------------------------------------


def test_resolve_entries_are_parsed_and_checked() -> None:
    assert parse_resolve([f"{NAME.upper()}=127.0.0.1", "a.gov.cn=::1"]) == {
        NAME: "127.0.0.1",
        "a.gov.cn": "::1",
    }
    for bad in ("www.shili.gov.cn", "www.shili.gov.cn=not-an-ip", "*.gov.cn=10.0.0.1", "=1.2.3.4"):
        with pytest.raises(ResolveError, match="--resolve"):
            parse_resolve([bad])
    with pytest.raises(ResolveError, match="两个不同的地址"):
        parse_resolve([f"{NAME}=10.0.0.1", f"{NAME}=10.0.0.2"])


def test_staging_names_come_before_the_test_mode_refusal() -> None:
    """Chromium applies the first MAP rule that matches: the name must precede ``MAP *``."""
    hosts = {NAME: "127.0.0.1", "b.gov.cn": "::1"}
    assert chromium_rules(hosts, test_mode=True) == [
        "--host-resolver-rules=MAP www.shili.gov.cn 127.0.0.1, MAP b.gov.cn [::1], "
        "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
    ]
    assert chromium_rules(hosts, test_mode=False) == [
        "--host-resolver-rules=MAP www.shili.gov.cn 127.0.0.1, MAP b.gov.cn [::1]"
    ]
    assert chromium_rules({}, test_mode=False) == []


def test_local_only_allows_a_name_mapped_to_this_machine(tmp_path: Path) -> None:
    mapped = Renderer(
        AuditOptions(
            out_dir=tmp_path, test_mode=True, resolve={NAME: "127.0.0.1", "x.gov.cn": "10.0.0.1"}
        )
    )
    assert mapped.may_fetch(f"http://{NAME}:8080/a.html")
    assert not mapped.may_fetch("http://x.gov.cn/")  # mapped, but not to this machine
    assert not mapped.may_fetch("http://www.other.gov.cn/")


class _Recorder(BaseHTTPRequestHandler):
    hosts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hosts = []
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_http_client_reaches_the_address_and_sends_the_name(recorder: int) -> None:
    async def get() -> tuple[int, str]:
        async with http_client({NAME: "127.0.0.1"}) as client:
            response = await client.get(f"http://{NAME}:{recorder}/path?q=1")
            return response.status_code, str(response.request.url)

    status, url = asyncio.run(get())
    assert status == 204
    assert _Recorder.hosts == [f"{NAME}:{recorder}"]  # Host: the name, not the address
    assert url == f"http://{NAME}:{recorder}/path?q=1"  # redirects resolve against the name


def test_monitor_reaches_a_mapped_name_in_local_mode(recorder: int) -> None:
    """The availability monitor (国办秘函〔2019〕19号 监测) uses the same mapping."""
    hosts = {NAME: "127.0.0.1"}
    may_fetch = may_fetch_for(True, hosts)
    assert may_fetch(f"http://{NAME}/") and not may_fetch("http://www.other.gov.cn/")

    async def attempt() -> dict:
        async with monitor_client(may_fetch, 5.0, hosts=hosts) as http:
            return await probe(http, f"http://{NAME}:{recorder}/", 5.0, time.time)

    got = asyncio.run(attempt())
    assert got["outcome"] == "ok" and got["status"] == 204
    assert _Recorder.hosts == [f"{NAME}:{recorder}"]


@pytest.fixture
def name_certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for the name only (no IP address in it)."""
    return self_signed_certificate(tmp_path, NAME, f"DNS:{NAME}")


def test_https_sends_the_name_as_sni_and_checks_the_certificate_for_it(
    name_certificate: tuple[Path, Path],
) -> None:
    cert, key = name_certificate
    told: list[str | None] = []
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(str(cert), str(key))
    server_ctx.sni_callback = lambda _sock, name, _ctx: told.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.hosts = []
    port = server.server_address[1]

    async def get() -> int:
        trust = ssl.create_default_context(cafile=str(cert))
        async with http_client({NAME: "127.0.0.1"}, verify=trust) as client:
            return (await client.get(f"https://{NAME}:{port}/")).status_code

    try:
        assert asyncio.run(get()) == 204  # verified against the name, not 127.0.0.1
    finally:
        server.shutdown()
        server.server_close()
    assert told == [NAME]
    assert _Recorder.hosts == [f"{NAME}:{port}"]


def test_bad_resolve_is_a_usage_error(tmp_path: Path) -> None:
    args = ["audit", f"http://{NAME}/", "--local-only", "--resolve", f"{NAME}=nowhere"]
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "nowhere" in proc.stderr and "不是 IP 地址" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- a whole audit of the staging site on 127.0.0.1 under its .gov.cn name -------------------

QUICK = ["--max-pages", "2", "--local-only", "--skip", "a11y,probes,phone,elderly,qr,cloaking"]


def audit(url: str, out: Path, *extra: str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "audit", url, *QUICK, "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
        cwd=out.parent,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"][0]["pages"]


def finding(page: dict, check: str) -> dict:
    return next(f for f in page["findings"] if f["check"] == check)


@pytest.fixture(scope="module")
def staging() -> Iterator[DemoServer]:
    with DemoServer(root=SITE) as server:
        yield server


@pytest.mark.browser
def test_staging_site_is_audited_under_its_real_name(tmp_path: Path, staging: DemoServer) -> None:
    url = f"http://{NAME}:{staging.port}/"
    pages = audit(url, tmp_path / "run", "--resolve", f"{NAME}=127.0.0.1")
    home = pages[0]
    assert home["url"] == url and home["page_type"] == "home"
    assert finding(home, "page-availability")["outcome"] == "pass"
    assert finding(home, "domain-name")["outcome"] == "pass"  # www.shili.gov.cn, not 127.0.0.1
    assert finding(home, "meta-format")["outcome"] == "pass"  # SiteDomain names this host
    # The crawl reached the article through the browser under the name …
    assert [p["url"] for p in pages[1:]] == [f"http://{NAME}:{staging.port}/art/2026/11/art_1.html"]
    # … and the link check (httpx) reached the server too: the one missing page, nothing else.
    links = finding(home, "link-health")
    assert links["outcome"] == "fail"
    text = json.dumps(links, ensure_ascii=False)
    assert "art_2.html" in text and "404" in text
    assert "art_1.html" not in text


@pytest.mark.browser
def test_without_resolve_the_name_does_not_resolve_in_local_mode(
    tmp_path: Path, staging: DemoServer
) -> None:
    """The control: the same audit without the mapping cannot reach the site at all."""
    pages = audit(f"http://{NAME}:{staging.port}/", tmp_path / "run")
    assert finding(pages[0], "page-availability")["outcome"] == "fail"
