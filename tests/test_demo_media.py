"""``auditor demo``: the 政务新媒体 half gives exactly the accounts' declared findings and verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from auditor.cli import main
from auditor.demo.media import LISTED, expected
from auditor.notice import load_run

pytestmark = pytest.mark.browser

PASSED = ("pass", "not_applicable")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-media") / "run"
    # One site page is enough here: the site half is tests/test_demo_site.py's subject.
    assert main(["demo", "--out", str(folder), "--max-pages", "1", "--fail-on", "none"]) == 0
    return folder


def test_demo_exit_code_is_the_sites_gate_not_the_accounts(tmp_path: Path) -> None:
    """Failing demo accounts (critical media-update) do not change ``demo``'s exit code."""
    args = ["demo", "--max-pages", "1", "--fail-on", "critical"]
    with_accounts = main([*args, "--out", str(tmp_path / "a")])
    data = json.loads((tmp_path / "a" / "media.json").read_text("utf-8"))
    assert any(f["outcome"] == "fail" and f["severity"] == "critical"
               for a in data["accounts"] for f in a["findings"])  # fmt: skip
    assert with_accounts == main([*args, "--out", str(tmp_path / "b"), "--no-accounts"])


def test_demo_accounts_give_exactly_their_declared_findings(out: Path) -> None:
    data = json.loads((out / "media.json").read_text("utf-8"))
    declared = expected()
    assert data["as_of"] == declared["as_of"]
    got = {
        a["account"]["name"]: {
            f["check"]: f["outcome"] for f in a["findings"] if f["outcome"] not in PASSED
        }
        for a in data["accounts"]
    }
    assert got == declared["accounts"]
    assert list(got) == [name for name, _sponsor, _uid in LISTED]
    for account in data["accounts"]:
        assert account["profile"]["screenshot"], account["account"]["name"]
        assert (out / account["profile"]["screenshot"]).is_file()


def test_demo_notice_covers_both_halves(out: Path) -> None:
    loaded = load_run(out)
    assert loaded.accounts is not None
    assert {a.name: a.verdict for a in loaded.accounts} == expected()["verdicts"]
    assert main(["report", str(out), "--format", "docx"]) == 0
    doc = Document(str(out / f"通报附件-{expected()['as_of']}.docx"))
    total = [c.text for c in doc.tables[0].rows[-1].cells]
    assert total[0] == "全省" and total[-3:] == ["5", "1", "25%"]
    attachment4 = {r.cells[2].text: r.cells[5].text for r in doc.tables[-1].rows[1:]}
    assert attachment4 == {
        "示例市档案局": "长期不更新，成为“睡眠”“僵尸”账号，最新一条信息更新时间为2015年5月。",
        "示例市地方志办": "长期零发布，成为“睡眠”“僵尸”账号。",
        "示例市旧政务微博": "账号“示例市旧政务微博”已注销或不存在。",
    }


def test_demo_without_accounts_leaves_no_media_json(out: Path) -> None:
    code = main(
        ["demo", "--out", str(out), "--max-pages", "1", "--fail-on", "none", "--no-accounts"]
    )
    assert code == 0 and not (out / "media.json").exists()
