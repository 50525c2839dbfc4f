"""Shared fixtures: local servers on 127.0.0.1 and a one-call renderer for browser tests.

Every browser test talks only to servers started here; the browser resolves nothing else
(``test_mode`` adds ``--host-resolver-rules``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SHARED

from auditor.demo.server import DemoServer

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.fail(f"shared/ not found at {SHARED} (set AUDITOR_SHARED)")
    return SHARED


@pytest.fixture
def page_server(tmp_path: Path) -> Iterator[tuple[Path, DemoServer]]:
    """A server over a fresh folder; tests write their own pages into it."""
    root = tmp_path / "site"
    root.mkdir()
    with DemoServer(root=root) as server:
        yield root, server
