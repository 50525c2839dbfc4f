"""What travels between coordinator and workers, without a broker: options, grouping, files."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from auditor.browser.renderer import AuditOptions
from auditor.cluster.payload import (
    TransferError,
    by_host,
    land,
    options_from_dict,
    options_to_dict,
    pack,
)
from auditor.extract.page_type import TypeRules
from auditor.gather.render import RenderSettings
from auditor.model import PageType, SiteSpec
from auditor.run import manifest


def test_options_survive_the_trip_and_wording_files_travel_as_text(tmp_path: Path) -> None:
    words = tmp_path / "本省词表.toml"
    words.write_text('[[terms]]\nwrong = "甲"\nright = "乙"\n', encoding="utf-8")
    sent = AuditOptions(
        out_dir=tmp_path / "coordinator",
        max_pages=7,
        concurrency=3,
        per_host=2,
        settings=RenderSettings(timeout_ms=9000, viewport=(1280, 800), wording_files=(words,)),
        as_of=date(2026, 11, 27),
        test_mode=True,
        resolve={"www.example.gov.cn": "10.0.0.9"},
        skip=frozenset({"phone"}),
        skip_checks=frozenset({"header-site-name"}),
        link_limits={"retries": 1},
        column_windows={"news": 7},
        rules=TypeRules("/col/", "/art/"),
        start_page_type=PageType.COLUMN,
        site_timeout_s=300.0,
    )
    worker_dir = tmp_path / "worker"
    got = options_from_dict(options_to_dict(sent), worker_dir)
    assert got.out_dir == worker_dir
    (copied,) = got.settings.wording_files
    assert copied.is_relative_to(worker_dir) and copied.read_text("utf-8") == words.read_text(
        "utf-8"
    )
    same = dataclasses.replace(got, out_dir=sent.out_dir)
    same.settings = dataclasses.replace(got.settings, wording_files=sent.settings.wording_files)
    assert same == sent


def test_sites_of_one_host_go_in_one_task_in_list_order() -> None:
    sites = [
        (1, SiteSpec(url="https://www.a.gov.cn/")),
        (2, SiteSpec(url="https://www.b.gov.cn/")),
        (3, SiteSpec(url="https://WWW.A.gov.cn/zwgk/")),
        (4, SiteSpec(url="http://127.0.0.1:8001/")),
        (5, SiteSpec(url="http://127.0.0.1:8002/")),
    ]
    groups = [[idx for idx, _s in g] for g in by_host(sites)]
    assert groups == [[1, 3], [2], [4], [5]]


def _site_folder(root: Path) -> tuple[str, list[dict[str, object]]]:
    folder = root / "001-www.a.gov.cn"
    (folder / "evidence").mkdir(parents=True)
    (folder / "p00.png").write_bytes(b"\x89PNG screenshot")
    (folder / "evidence" / "p00-footer-icp-1.png").write_bytes(b"\x89PNG crop")
    files = [
        {"path": f"{folder.name}/{rel}", "sha256": manifest.sha256_of(folder / rel)}
        for rel in ("p00.png", "evidence/p00-footer-icp-1.png")
    ]
    return folder.name, files


def test_a_packed_site_lands_when_every_file_matches_its_hash(tmp_path: Path) -> None:
    name, files = _site_folder(tmp_path / "worker")
    run = tmp_path / "run"
    (run / name).mkdir(parents=True)
    (run / name / "stale.png").write_bytes(b"from an earlier attempt")
    land(run, name, files, packed=pack(tmp_path / "worker" / name), source=None)
    assert (run / name / "evidence" / "p00-footer-icp-1.png").read_bytes() == b"\x89PNG crop"
    assert not (run / name / "stale.png").exists()  # the new attempt replaces the old folder
    assert [p.name for p in run.iterdir()] == [name]  # no staging folder left behind


def test_a_damaged_transfer_is_refused_and_the_old_folder_kept(tmp_path: Path) -> None:
    name, files = _site_folder(tmp_path / "worker")
    (tmp_path / "worker" / name / "p00.png").write_bytes(b"changed after hashing")
    run = tmp_path / "run"
    (run / name).mkdir(parents=True)
    (run / name / "p00.png").write_bytes(b"old")
    with pytest.raises(TransferError, match="SHA-256"):
        land(run, name, files, packed=pack(tmp_path / "worker" / name), source=None)
    assert (run / name / "p00.png").read_bytes() == b"old"


def test_a_missing_file_or_folder_is_refused(tmp_path: Path) -> None:
    name, files = _site_folder(tmp_path / "shared" / "run1" / "task")
    (tmp_path / "shared" / "run1" / "task" / name / "p00.png").unlink()
    run = tmp_path / "run"
    run.mkdir()
    with pytest.raises(TransferError, match="没有送达"):
        land(run, name, files, source=tmp_path / "shared" / "run1" / "task" / name)
    with pytest.raises(TransferError, match="没有送达"):
        land(run, name, files, source=tmp_path / "nowhere")


def test_a_shared_directory_folder_lands_by_copy(tmp_path: Path) -> None:
    name, files = _site_folder(tmp_path / "shared" / "task")
    run = tmp_path / "run"
    run.mkdir()
    land(run, name, files, source=tmp_path / "shared" / "task" / name)
    assert (run / name / "p00.png").read_bytes() == b"\x89PNG screenshot"


def test_a_broker_that_is_not_redis_is_a_usage_error_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from auditor.cli import main

    out = tmp_path / "run"
    code = main(["audit", "https://www.a.gov.cn/", "--out", str(out), "--broker", "amqp://h/"])
    assert code == 2
    assert "须为 Redis 地址" in capsys.readouterr().err
    assert not out.exists()


def test_a_worker_with_negative_concurrency_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from auditor.cli import main

    assert main(["worker", "--broker", "redis://127.0.0.1:1/0", "--concurrency", "-1"]) == 2
    assert "不能为负数" in capsys.readouterr().err
