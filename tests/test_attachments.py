"""The attachments gatherer (personal-data, 国办发〔2017〕47号 信息发布): real HTTP on 127.0.0.1.

A server hands out the seeded fixtures, a download link that names its file only in its
answer, a web page behind a download-looking link and files past the size cap; it records every
request, so a file fetched twice in one site, or any method but GET, is seen.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import httpx
import pytest
from attachment_fixtures import DIR, EXPECTED, SEEDED

from auditor.artifacts import Artifacts, Link
from auditor.engine import AuditOptions, audit
from auditor.gather import attachments
from auditor.gather.attachments import MAX_BYTES, _kind_of, gather
from auditor.model import Outcome, SiteSpec
from auditor.report.json_report import write_json

BIG_CHUNK = b"0" * 1024 * 1024


class Files(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str]]] = []  # (method, path) of every request

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.requests.append((self.command, self.path))
        return ok

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/download.jsp" and "id=7" in self.path:
            name = quote("名单.csv")
            self._send((DIR / "accounts.csv").read_bytes(), "application/octet-stream", name)
        elif path == "/download.jsp":
            self._send("<html><body>下载中心</body></html>".encode(), "text/html; charset=utf-8")
        elif path == "/stream-big.pdf":  # no length: the cap is met while reading
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            self.wfile.write(b"%PDF-1.4\n")
            for _ in range(MAX_BYTES // len(BIG_CHUNK) + 2):
                self.wfile.write(BIG_CHUNK)
        elif path == "/declared-big.xlsx":
            self.send_response(200)
            self.send_header("Content-Length", str(MAX_BYTES * 2))
            self.end_headers()
        elif path.startswith("/files/") and (DIR / path[7:]).is_file():
            self._send((DIR / path[7:]).read_bytes(), "application/octet-stream")
        else:
            self.send_error(404)

    def _send(self, body: bytes, ctype: str, name: str = "") -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if name:
            self.send_header("Content-Disposition", f"attachment; filename*=UTF-8''{name}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def site() -> SimpleNamespace:
    """What the gatherer uses of a SiteSession and its Renderer (local hosts only)."""
    hosts: dict[str, asyncio.Semaphore] = {}
    renderer = SimpleNamespace(
        may_fetch=lambda u: urlsplit(u).hostname == "127.0.0.1",
        polite=lambda u: hosts.setdefault(urlsplit(u).netloc, asyncio.Semaphore(2)),
        options=SimpleNamespace(as_of=date(2026, 11, 27), resolve={}),
    )
    return SimpleNamespace(renderer=renderer, attachments={})


def page_linking(base: str, *hrefs: tuple[str, str]) -> Artifacts:
    url = base + "/gs/index.html"
    links = [Link(href=base + h, text=t, selector=f'a[href="{h}"]') for h, t in hrefs]
    return Artifacts(url=url, final_url=url, status=200, links=links)


async def gathered(session: SimpleNamespace, *pages: Artifacts) -> list[dict[str, Any]]:
    ctxs = [
        SimpleNamespace(session=session, renderer=session.renderer, art=art, url=art.url)
        for art in pages
    ]
    await asyncio.gather(*(gather(ctx) for ctx in ctxs))  # type: ignore[arg-type]
    return [art.attachments for art in pages]


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in result["items"]}


def test_each_file_is_fetched_once_per_site_however_many_pages_link_it(server: str) -> None:
    Files.requests.clear()
    one = page_linking(server, ("/files/subsidy.xlsx", "补贴名单"), ("/files/list.pdf", "名单.pdf"))
    two = page_linking(server, ("/files/subsidy.xlsx", "补贴名单（第二页链接）"))
    first, second = asyncio.run(gathered(site(), one, two))
    assert by_name(first)["补贴名单.xlsx"]["counts"] == {"id": 2, "phone": 2, "card": 1}
    assert by_name(second)["补贴名单（第二页链接）.xlsx"]["counts"] == {
        "id": 2,
        "phone": 2,
        "card": 1,
    }
    assert sorted(Files.requests) == [("GET", "/files/list.pdf"), ("GET", "/files/subsidy.xlsx")]


def test_a_download_link_is_read_when_its_answer_says_it_is_a_file(server: str) -> None:
    art = page_linking(server, ("/download.jsp?id=7", "下载"), ("/download.jsp?id=8", "下载中心"))
    (result,) = asyncio.run(gathered(site(), art))
    (item,) = result["items"]  # the web page behind id=8 is no attachment
    assert item["name"] == "名单.csv" and item["counts"] == {"card": 1}


def test_files_past_the_size_cap_are_recorded_not_read(server: str) -> None:
    art = page_linking(server, ("/stream-big.pdf", "大文件.pdf"), ("/declared-big.xlsx", "表.xlsx"))
    (result,) = asyncio.run(gathered(site(), art))
    items = by_name(result)
    assert {n: i["status"] for n, i in items.items()} == {
        "大文件.pdf": "too-large",
        "表.xlsx": "too-large",
    }
    assert items["大文件.pdf"]["size"] > MAX_BYTES and items["表.xlsx"]["size"] == 2 * MAX_BYTES


def test_the_caps_per_page_and_per_site_count_what_was_left(server, monkeypatch) -> None:
    monkeypatch.setattr(attachments, "PER_PAGE", 2)
    monkeypatch.setattr(attachments, "PER_SITE", 3)
    names = ["notice.docx", "list.pdf", "people.xls", "readme.txt"]
    session = site()
    (first,) = asyncio.run(
        gathered(session, page_linking(server, *[(f"/files/{n}", n) for n in names]))
    )
    assert len(first["items"]) == 2 and first["unchecked"] == 2
    (second,) = asyncio.run(
        gathered(session, page_linking(server, *[(f"/files/{n}", n) for n in names[2:]]))
    )
    assert [i["name"] for i in second["items"]] == ["people.xls"] and second["unchecked"] == 1


def test_a_dead_attachment_and_hosts_this_run_may_not_contact_are_no_records(server: str) -> None:
    Files.requests.clear()
    art = page_linking(server, ("/files/missing.pdf", "缺失.pdf"))
    art.links.append(Link(href="http://www.example.gov.cn/a.pdf", text="外站.pdf"))
    (result,) = asyncio.run(gathered(site(), art))
    assert [(i["name"], i["status"]) for i in result["items"]] == [("缺失.pdf", "unavailable")]
    assert Files.requests == [("GET", "/files/missing.pdf")]


@pytest.mark.parametrize(
    ("headers", "url", "kind"),
    [
        ({"content-type": "application/pdf"}, "https://x.gov.cn/download.jsp?id=1", "pdf"),
        (
            {"content-disposition": "attachment; filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx"},
            "https://x.gov.cn/getfile?id=2",
            "xlsx",
        ),
        ({"content-type": "text/html"}, "https://x.gov.cn/download.jsp?id=3", ""),
        ({"content-type": "text/html"}, "https://x.gov.cn/a/export.xls", "xls"),
        ({"content-type": "application/octet-stream"}, "https://x.gov.cn/a/b.docx", "docx"),
        ({"content-type": "text/html"}, "https://x.gov.cn/a/b.pdf", ""),
    ],
)
def test_what_the_answer_says_it_is(headers, url, kind) -> None:
    assert _kind_of(httpx.Headers(headers), url) == kind


# -- a rendered page, the whole run -------------------------------------------------------------


@pytest.mark.browser
def test_a_page_linking_the_fixtures_has_exactly_their_findings_and_saves_no_number(
    tmp_path: Path, page_server
) -> None:
    root, server = page_server
    (root / "files").mkdir()
    for name in EXPECTED:
        (root / "files" / name).write_bytes((DIR / name).read_bytes())
    with (root / "files" / "big.pdf").open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: the declared length is past the cap
    links = "".join(
        f'<li><a href="files/{name}">{text}</a></li>' for name, (text, _) in EXPECTED.items()
    )
    (root / "index.html").write_text(
        '<html><head><meta charset="utf-8"><title>公示公告</title></head><body><h1>公示公告</h1>'
        f'<ul>{links}<li><a href="files/big.pdf">超大文件.pdf</a></li></ul></body></html>',
        encoding="utf-8",
    )
    out = tmp_path / "run"
    skip = {"a11y", "phone", "elderly", "links", "qr", "probes", "cloaking"}
    options = AuditOptions(out_dir=out, max_pages=1, test_mode=True, skip=frozenset(skip))
    run = asyncio.run(audit([SiteSpec(url=server.url)], options))
    (page,) = run.sites[0].pages
    found = [f for f in page.findings if f.check == "personal-data"]
    assert all(f.outcome is Outcome.REVIEW for f in found), [f.message for f in found]
    got = {f.data["name"]: f.data.get("counts") or f.data["status"] for f in found}
    want = {text: seeded for text, seeded in EXPECTED.values() if seeded}
    want["公示公告.docx"] = want.pop("公示公告")  # the link text, with the file's extension
    assert got == want | {"超大文件.pdf": "too-large"}
    saved = json.loads(next(out.rglob("p00.artifacts.json")).read_text("utf-8"))
    hrefs = {link["selector"]: link["href"] for link in saved["links"]}
    for f in found:  # each points at the link that leads to its file
        assert f.rect is not None and hrefs[f.selector] == f.data["url"], f.message
    assert len(saved["attachments"]["items"]) == len(EXPECTED) + 1
    write_json(run, out / "results.json")
    leaked = {
        str(path.relative_to(out)): [n for n in SEEDED if n in path.read_text("utf-8", "replace")]
        for path in out.rglob("*")
        if path.suffix in (".json", ".html", ".xml", ".txt") and path.is_file()
    }
    assert {p: ns for p, ns in leaked.items() if ns} == {}
