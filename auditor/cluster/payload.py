"""What travels between coordinator and workers: plain JSON, never pickles.

The run's options go out with each task (a worker serves any run); a site's folder comes back
packed, with the manifest entries (SHA-256) computed on the worker where the files were written,
and is verified where it lands before anything is stored.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import shutil
import tarfile
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.browser.renderer import AuditOptions
from auditor.extract.page_type import TypeRules
from auditor.gather.render import RenderSettings
from auditor.model import PageType, SiteSpec
from auditor.run import manifest

__all__ = [
    "TransferError",
    "by_host",
    "land",
    "land_files",
    "options_from_dict",
    "options_to_dict",
    "pack",
    "pack_paths",
]


class TransferError(Exception):
    """A site's files arrived damaged or incomplete (message in Chinese)."""


def options_to_dict(options: AuditOptions) -> dict[str, Any]:
    """The options a worker needs to audit as this run does; ``out_dir`` stays here.

    Wording files live on the coordinator's disk: their text travels instead of their paths.
    """
    settings = dataclasses.asdict(options.settings)
    settings["viewport"] = list(options.settings.viewport)
    settings["wording_files"] = [
        {"name": p.name, "text": p.read_text(encoding="utf-8")}
        for p in options.settings.wording_files
    ]
    return {
        "max_pages": options.max_pages,
        "concurrency": options.concurrency,
        "per_host": options.per_host,
        "settings": settings,
        "as_of": options.as_of.isoformat() if options.as_of else None,
        "browser": options.browser,
        "test_mode": options.test_mode,
        "resolve": dict(options.resolve),
        "skip": sorted(options.skip),
        "skip_checks": sorted(options.skip_checks),
        "link_limits": dict(options.link_limits),
        "column_windows": dict(options.column_windows),
        "rules": dataclasses.asdict(options.rules),
        "start_page_type": options.start_page_type.value if options.start_page_type else None,
        "site_timeout_s": options.site_timeout_s,
        "stuck_pages": options.stuck_pages,
    }


def options_from_dict(data: dict[str, Any], out_dir: Path) -> AuditOptions:
    """The run's options on a worker, writing into ``out_dir`` (wording files written there too)."""
    settings = dict(data["settings"])
    settings["viewport"] = tuple(settings["viewport"])
    wording_dir = out_dir / "_wording"
    files = []
    for n, item in enumerate(settings.pop("wording_files")):
        wording_dir.mkdir(parents=True, exist_ok=True)
        path = wording_dir / f"{n}-{Path(item['name']).name}"
        path.write_text(item["text"], encoding="utf-8")
        files.append(path)
    page_type = data.get("start_page_type")
    return AuditOptions(
        out_dir=out_dir,
        max_pages=data["max_pages"],
        concurrency=data["concurrency"],
        per_host=data["per_host"],
        settings=RenderSettings(**settings, wording_files=tuple(files)),
        as_of=date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
        browser=data.get("browser"),
        test_mode=data["test_mode"],
        resolve=dict(data["resolve"]),
        skip=frozenset(data["skip"]),
        skip_checks=frozenset(data["skip_checks"]),
        link_limits=dict(data["link_limits"]),
        column_windows=dict(data["column_windows"]),
        rules=TypeRules(**data["rules"]),
        start_page_type=PageType(page_type) if page_type else None,
        site_timeout_s=data["site_timeout_s"],
        stuck_pages=data["stuck_pages"],
    )


def by_host(sites: list[tuple[int, SiteSpec]]) -> list[list[tuple[int, SiteSpec]]]:
    """Sites grouped by host, in list order: one task per group, so a host's pages are never
    fetched by two workers at once and the per-host limit holds across the cluster."""
    groups: dict[str, list[tuple[int, SiteSpec]]] = {}
    for idx, site in sites:
        groups.setdefault((urlsplit(site.url).netloc or site.url).lower(), []).append((idx, site))
    return list(groups.values())


def pack(folder: Path) -> str:
    """A site's folder as one compressed archive (base64 text for a JSON task result)."""
    return pack_paths(folder.parent, [folder.name])


def pack_paths(base: Path, names: list[str]) -> str:
    """Files or folders under ``base`` as one compressed archive, base64 text."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        for name in names:
            tar.add(base / name, arcname=name)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def land_files(run_dir: Path, files: list[dict[str, Any]], packed: str) -> None:
    """Put single files (account screenshots) into ``run_dir`` once all of them verify."""
    staging = Path(tempfile.mkdtemp(prefix=".landing-", dir=run_dir))
    try:
        _unpack(packed, staging)
        _verify(staging, "", files)
        for entry in files:
            target = manifest.inside(run_dir, entry["path"])
            if target is None:
                raise TransferError(f"文件 {entry['path']} 的位置不在检查目录内")
            (staging / entry["path"]).replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(packed: str, into: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(packed)), mode="r:gz") as tar:
        tar.extractall(into, filter="data")


def land(
    run_dir: Path, name: str, files: list[dict[str, Any]], *, packed: str = "", source: Path | None
) -> None:
    """Put a site's folder ``name`` into ``run_dir`` — unpacked from ``packed`` or moved from
    ``source`` (a shared directory) — after checking every file against its SHA-256.

    Nothing is replaced until all files verify: a damaged transfer leaves the old folder as it was.
    """
    staging = Path(tempfile.mkdtemp(prefix=".landing-", dir=run_dir))
    try:
        if packed:
            _unpack(packed, staging)
        elif source is not None and source.is_dir():
            shutil.copytree(source, staging / name)
        else:
            raise TransferError(f"网站检查结果的文件夹 {name} 没有送达")
        _verify(staging, name, files)
        target = run_dir / name
        if target.exists():
            shutil.rmtree(target)
        (staging / name).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _verify(staging: Path, name: str, files: list[dict[str, Any]]) -> None:
    for entry in files:
        if name and not entry["path"].startswith(f"{name}/"):
            continue  # a template picture drawn in another site's folder is not ours to check
        path = manifest.inside(staging, entry["path"])
        if path is None or not path.is_file():
            raise TransferError(f"文件 {entry['path']} 没有送达")
        if manifest.sha256_of(path) != entry["sha256"]:
            raise TransferError(f"文件 {entry['path']} 送达后与检查时的内容不符（SHA-256 不同）")
