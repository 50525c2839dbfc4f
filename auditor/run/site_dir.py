"""A site's folder in the run directory: its name and what it holds before any page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from auditor.model import SiteSpec

__all__ = ["prepare_site_dir", "site_dir_name"]


def site_dir_name(index: int, site: SiteSpec) -> str:
    """A safe folder name: never derived from page text, never able to leave the run directory."""
    host = urlsplit(site.url).hostname or "site"
    slug = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip(".-")[:60] or "site"
    return f"{index:03d}-{slug}"


def prepare_site_dir(site_dir: Path, site: SiteSpec) -> None:
    """Create the site's folder with its spec, so ``check --from`` knows what was expected."""
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "site.json").write_text(
        json.dumps(site.__dict__, ensure_ascii=False, indent=1), encoding="utf-8"
    )
