"""``auditor audit URL --accounts FILE``: both halves in one run folder, one notice for both.

Reuses the platform fixture server of ``test_media_browser`` (weibo.com mapped to 127.0.0.1).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from docx import Document
from test_media_browser import AS_OF, Handler

from auditor.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_audit_with_accounts_writes_both_halves_and_one_notice(port: int, tmp_path: Path) -> None:
    listed = tmp_path / "新媒体清单.csv"
    listed.write_text(
        "地区,账号名称,平台,主办单位,账号地址\n"
        f"成都,成都发布,微博,成都市人民政府,http://weibo.com:{port}/u/1001\n"
        f"阿坝州,阿坝州编译局,微博,阿坝州编译局,http://weibo.com:{port}/u/1002\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        [
            "audit", f"http://127.0.0.1:{port}/news/", "--accounts", str(listed),
            "--out", str(out), "--as-of", AS_OF, "--max-pages", "1", "--local-only",
            "--resolve", "weibo.com=127.0.0.1", "--timeout", "10",
        ]
    )  # fmt: skip
    assert code == 1  # the dormant account's media-update fail is critical
    assert (out / "results.json").is_file()
    media = json.loads((out / "media.json").read_text("utf-8"))
    assert media["as_of"] == AS_OF
    verdicts = {
        a["account"]["name"]: sorted(f["check"] for f in a["findings"] if f["outcome"] == "fail")
        for a in media["accounts"]
    }
    assert verdicts == {"成都发布": [], "阿坝州编译局": ["media-update", "media-zombie"]}

    assert main(["report", str(out), "--format", "docx"]) == 0
    doc = Document(str(out / f"通报附件-{AS_OF}.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "附件：2. 全省政府网站和政务新媒体检查情况" in body
    total = [c.text for c in doc.tables[0].rows[-1].cells]
    assert total[0] == "全省" and total[-3:] == ["2", "1", "50%"]
    listed_rows = [[c.text for c in r.cells] for r in doc.tables[-1].rows[1:]]
    assert listed_rows == [
        [
            "1",
            "阿坝州",
            "阿坝州编译局",
            "微博",
            "阿坝州编译局",
            "长期不更新，成为“睡眠”“僵尸”账号，最新一条信息更新时间为2015年5月。",
        ]
    ]
