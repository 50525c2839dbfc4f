"""Shared fixtures: local servers on 127.0.0.1 and one browser for the whole session.

Every browser test talks only to servers started here; the browser resolves nothing else
(``test_mode`` adds ``--host-resolver-rules``).

Markers: ``browser`` on every test that starts or uses a real Chromium, so ``pytest -m "not
browser"`` runs only the fast unit tests; ``slow`` on those taking more than about 20 s. They come
from ``pytestmark`` or decorators in the modules, from the rule here that a test using
``browser_session`` is a browser test, and from the slow module fixtures listed below.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SHARED, BrowserSession, RunAsync
from playwright.async_api import Browser

from auditor.demo.server import DemoServer

pytest_plugins = ["pytester"]

# Module-scoped fixtures that take more than about 20 s: every test using one is slow (the first
# pays for it, and deselecting only that one would move the cost to the next).
SLOW_FIXTURES: dict[str, set[str]] = {
    "test_hostile.py": {"mixed"},  # one CLI audit of the whole hostile batch
    "test_corpus.py": {"rendered"},  # the 22 real pages rendered
}


@pytest.fixture(scope="session")
def browser_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserSession]:
    """One Chromium (one ``Renderer`` with default test options) on one loop for the session.

    Started on first use, so a run without browser tests never starts it. Tests that need other
    launch options or a Renderer of their own (the engine's ``audit``) start their own.
    """
    session = BrowserSession(tmp_path_factory.mktemp("browser-session"))
    yield session
    session.close()


@pytest.fixture
def run_async(browser_session: BrowserSession) -> RunAsync:
    """Run a coroutine on the session browser's loop and return its result."""
    return browser_session.run


@pytest.fixture
def chromium(browser_session: BrowserSession) -> Browser:
    """The session's Chromium, for tests that drive Playwright directly."""
    return browser_session.browser


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = item.path.name
        if "browser_session" in fixtures:
            item.add_marker(pytest.mark.browser)
        if fixtures & SLOW_FIXTURES.get(module, set()):
            item.add_marker(pytest.mark.slow)


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
