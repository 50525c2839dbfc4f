"""Browser runs for the accounts half's follow-ups: media-site-match through ``audit --sites …
--accounts …`` (a local site showing a QR code for an account missing from the list), the account
screenshots in manifest.json, and ``recheck`` of an ``auditor media`` folder.

Reuses the weibo-like fixture server of ``test_media_browser`` (weibo.com mapped to 127.0.0.1);
the government site is served by the same server on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import segno
from docx import Document
from test_media_browser import AS_OF, Handler, _html

from auditor.cli import main
from auditor.run.manifest import MANIFEST, verify

pytestmark = pytest.mark.browser


class SiteHandler(Handler):
    """The weibo fixture, plus a 成都市人民政府 site whose 新媒体矩阵 shows two 微博 accounts."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        host = (self.headers.get("Host") or "").split(":")[0]
        if host == "127.0.0.1" and self.path == "/site/":
            port = self.server.server_address[1]
            qr = segno.make(f"http://weibo.com:{port}/u/1003", error="m").png_data_uri(scale=6)
            body = (
                "<h1>成都市人民政府</h1><div class='xmt'><h2>政务新媒体</h2>"
                f"<a href='http://weibo.com:{port}/u/1001'>成都发布</a>"
                f"<figure><img src='{qr}' alt='官方微博二维码'><figcaption>官方微博</figcaption>"
                "</figure></div><p>主办单位：成都市人民政府</p>"
            )
            return self._send(_html(body, title="成都市人民政府门户网站"))
        return super().do_GET()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def _accounts(tmp: Path, port: int) -> Path:
    listed = tmp / "新媒体清单.csv"
    listed.write_text(
        "地区,账号名称,平台,主办单位,账号地址\n"
        f"成都,成都发布,微博,成都市人民政府,http://weibo.com:{port}/u/1001\n"
        f"阿坝州,阿坝州编译局,微博,阿坝州编译局,http://weibo.com:{port}/u/1002\n",
        encoding="utf-8",
    )
    return listed


BROWSER = ["--as-of", AS_OF, "--local-only", "--resolve", "weibo.com=127.0.0.1", "--timeout", "10"]


def test_a_qr_for_an_unlisted_account_is_told_on_the_units_account(
    port: int, tmp_path: Path
) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "网站名称,首页网址,主办单位,地区\n"
        f"成都市人民政府门户网站,http://127.0.0.1:{port}/site/,成都市人民政府,成都\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["audit", "--sites", str(sites), "--accounts", str(_accounts(tmp_path, port))]
    main([*args, "--out", str(out), "--max-pages", "1", *BROWSER])
    media = json.loads((out / "media.json").read_text("utf-8"))
    found = {
        a["account"]["name"]: [
            (f["outcome"], f["data"].get("shown_url"))
            for f in a["findings"]
            if f["check"] == "media-site-match"
        ]
        for a in media["accounts"]
    }
    assert found == {
        "成都发布": [("review", f"http://weibo.com:{port}/u/1003")],  # the QR; the link is listed
        "阿坝州编译局": [("pass", None)],  # not the site's unit
    }
    finding = next(f for f in media["accounts"][0]["findings"] if f["check"] == "media-site-match")
    assert "二维码“官方微博二维码”展示了微博账号" in finding["message"]  # its alt
    assert "未列入政务新媒体清单" in finding["message"]
    assert (out / finding["evidence"]).is_file()  # the site page's screenshot
    assert media["site_match_unlisted"] == []
    # 附件4 lists it (review, yet the site's entry is for the unit to correct).
    assert main(["report", str(out), "--format", "xlsx"]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(out / f"网站检查结果-{AS_OF}.xlsx")
    rows = [[c.value for c in r] for r in wb["突出问题政务新媒体"].iter_rows(min_row=2)]
    chengdu = [r for r in rows if "成都发布" in r]
    assert chengdu and any("/u/1003" in str(c) for c in chengdu[0])
    # The account screenshots are in the manifest beside the site's files.
    kinds = {e["path"]: e["kind"] for e in json.loads((out / MANIFEST).read_text())["files"]}
    assert kinds["account-001.png"] == kinds["account-002.png"] == "account"
    assert "screenshot" in kinds.values()
    assert verify(out)[1] == []


def test_recheck_reopens_the_failing_accounts_only(port: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    main(["media", "--accounts", str(_accounts(tmp_path, port)), "--out", str(out), *BROWSER])
    again = tmp_path / "again"
    code = main(["recheck", str(out), "--out", str(again), *BROWSER])
    assert code == 1  # the dormant account is still dormant
    body = json.loads((again / "media-recheck.json").read_text("utf-8"))
    assert [(i["name"], i["check"], i["status"]) for i in body["items"]] == [
        ("阿坝州编译局", "media-update", "未整改"),
        ("阿坝州编译局", "media-zombie", "未整改"),
    ]
    assert body["new"] == []
    reopened = json.loads((again / "media.json").read_text("utf-8"))["accounts"]
    assert [a["account"]["name"] for a in reopened] == ["阿坝州编译局"]
    assert verify(again)[1] == []
    # the 复核 tables, written once the accounts are re-checked, list them (a media run: only them)
    (grid,) = Document(str(again / "复核表.docx")).tables
    assert [(r.cells[2].text, r.cells[6].text) for r in grid.rows[1:]] == [
        ("阿坝州编译局", "未整改"),
        ("阿坝州编译局", "未整改"),
    ]
    assert all(len(r._element.findall(".//{*}blip")) == 2 for r in grid.rows[1:])
