"""``--media-state``: a user's exported logged-in storage state is checked before any browser starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "新媒体清单.csv"
    rows = "地区,平台,主办单位,账号地址,账号名称\n某县,抖音,某县人民政府,https://www.douyin.com/user/x,某县发布\n"
    path.write_text(rows, encoding="utf-8")
    return path


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a browser was started")

    monkeypatch.setattr("auditor.media.run.Renderer", refuse)
    monkeypatch.setattr("auditor.cli.audit._run", refuse)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "不存在"),
        ("{not json", "不是 JSON"),
        (json.dumps({"origins": []}), "cookies"),
        (json.dumps({"cookies": [{"name": "a"}], "origins": []}), "cookies"),
        (json.dumps([1, 2]), "cookies"),
    ],
)
@pytest.mark.parametrize("command", ["media", "audit"])
def test_a_bad_state_file_is_a_usage_error_naming_it(
    command: str,
    content: str | None,
    why: str,
    listed: Path,
    tmp_path: Path,
    no_browser: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = tmp_path / "登录状态.json"
    if content is not None:
        state.write_text(content, encoding="utf-8")
    args = [command, "--accounts", str(listed), "--out", str(tmp_path / "out")]
    if command == "audit":
        args += ["--sites", "https://www.example.gov.cn/"]
    assert main([*args, "--media-state", str(state)]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "--media-state" in said and state.name in said and why in said
    assert not (tmp_path / "out" / "media.json").exists()


def test_a_playwright_state_is_handed_to_the_account_contexts(
    listed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the account audit receives it (the site audit's contexts are made elsewhere)."""
    state = {"cookies": [{"name": "sessionid", "value": "v", "domain": ".douyin.com", "path": "/"}]}
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    seen: list[object] = []

    async def fake_audit(accounts, options, as_of, storage_state=None):  # type: ignore[no-untyped-def]
        seen.append(storage_state)
        return []

    monkeypatch.setattr("auditor.cli.media.audit_accounts", fake_audit)
    out = tmp_path / "out"
    assert (
        main(["media", "--accounts", str(listed), "--out", str(out), "--media-state", str(path)])
        == 0
    )
    assert seen == [{**state, "origins": []}]
