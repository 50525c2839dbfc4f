"""Account screenshots are listed in manifest.json, so ``auditor verify`` covers them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from auditor.cli import main
from auditor.media.accounts import Account
from auditor.media.profile import Profile
from auditor.media.run import AccountResult, write_media_json
from auditor.run.manifest import MANIFEST, SCHEMA, sha256_of, verify

AS_OF = date(2026, 11, 27)


def _results(run: Path, n: int) -> list[AccountResult]:
    out = []
    for i in range(1, n + 1):
        shot = f"account-{i:03d}.png"
        (run / shot).write_bytes(b"\x89PNG fake screenshot %d" % i)
        url = f"https://weibo.com/u/{i}"
        profile = Profile(url=f"https://m.weibo.cn/u/{i}", platform="weibo", screenshot=shot)
        out.append(AccountResult(Account(url=url), profile, [], "2026-11-27T10:00:00+08:00"))
    return out


def test_an_accounts_folder_gets_a_manifest_of_its_screenshots(tmp_path: Path) -> None:
    results = _results(tmp_path, 2)
    results.append(AccountResult(Account(url="https://weibo.com/u/9"), Profile("x", "weibo"), []))
    write_media_json(results, tmp_path / "media.json", AS_OF, [])
    body = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    assert body["schema"] == SCHEMA and body["run"]["as_of"] == "2026-11-27"
    (first, second) = body["files"]  # the account without a screenshot has no entry
    assert first == {
        "path": "account-001.png",
        "kind": "account",
        "sha256": sha256_of(tmp_path / "account-001.png"),
        "bytes": (tmp_path / "account-001.png").stat().st_size,
        "url": "https://weibo.com/u/1",
        "final_url": "https://m.weibo.cn/u/1",
        "status": None,
        "time": "2026-11-27T10:00:00+08:00",
        "viewport": None,
        "browser_version": "",
    }
    assert second["path"] == "account-002.png"
    assert verify(tmp_path) == (2, [])


def test_the_sites_entries_are_kept_and_a_tampered_account_screenshot_is_reported(
    tmp_path: Path,
) -> None:
    site_entry = {"path": "001-x/p00.png", "kind": "screenshot", "sha256": "0" * 64}
    (tmp_path / MANIFEST).write_text(
        json.dumps({"schema": SCHEMA, "run": {"as_of": "2026-11-20"}, "files": [site_entry]}),
        "utf-8",
    )
    results = _results(tmp_path, 1)
    write_media_json(results, tmp_path / "media.json", AS_OF, [])
    write_media_json(results, tmp_path / "media.json", AS_OF, [])  # written again: listed once
    body = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    assert [e["path"] for e in body["files"]] == ["001-x/p00.png", "account-001.png"]
    assert body["run"] == {"as_of": "2026-11-20"}  # the site half's run facts stay
    (tmp_path / "account-001.png").write_bytes(b"\x89PNG another picture")
    checked, bad = verify(tmp_path)
    assert checked == 2
    assert [(m.path, m.why) for m in bad] == [
        ("001-x/p00.png", "文件缺失"),
        ("account-001.png", "内容已改变（SHA-256 不符）"),
    ]
    assert main(["verify", str(tmp_path)]) == 1
