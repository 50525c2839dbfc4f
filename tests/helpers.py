"""Helpers shared by the browser tests (importable as ``helpers``; pytest puts tests/ on the path)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Protocol, TypeVar

from playwright.async_api import Browser

from auditor.artifacts import Artifacts
from auditor.engine import AuditOptions, Renderer

REPO = Path(__file__).resolve().parent.parent
A11Y_FIXTURES = REPO / "tests" / "fixtures" / "a11y"
SHARED = Path(os.environ.get("AUDITOR_SHARED", REPO.parent / "shared"))

T = TypeVar("T")
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0


class RunAsync(Protocol):
    """:meth:`BrowserSession.run`, as the ``run_async`` fixture hands it out."""

    def __call__(
        self, work: Coroutine[Any, Any, T] | Callable[[], Awaitable[T]], timeout: float = ...
    ) -> T: ...


class BrowserSession:
    """One ``Renderer`` (so one Chromium) on one event loop for the whole test session.

    The loop runs in a background thread; tests hand it work with :meth:`run` and block until it
    is done. The renderer is entered with ``async with renderer.running()`` inside one long-lived
    task on that loop, so it is opened and closed in the same task, as the engine does.
    Default options only, with ``test_mode`` (Chromium resolves nothing but localhost).
    """

    def __init__(self, out_dir: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="browser-session", daemon=True
        )
        self._thread.start()
        self._ready: Future[Renderer] = Future()
        self._stop = asyncio.Event()  # bound to the session loop on first use
        self._keeper = asyncio.run_coroutine_threadsafe(self._keep(out_dir), self.loop)
        try:
            self.renderer: Renderer = self._ready.result(START_TIMEOUT_S)
        except BaseException:
            self.close()
            raise

    async def _keep(self, out_dir: Path) -> None:
        """Own the renderer from start to finish: open it, wait for :meth:`close`, close it."""
        try:
            renderer = Renderer(AuditOptions(out_dir=out_dir, test_mode=True))
            async with renderer.running():
                self._ready.set_result(renderer)
                await self._stop.wait()
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            raise

    @property
    def browser(self) -> Browser:
        return self.renderer.browser

    def run(
        self,
        work: Coroutine[Any, Any, T] | Callable[[], Awaitable[T]],
        timeout: float = 120.0,
    ) -> T:
        """Run a coroutine (or a function returning one) on the session loop and return its result.

        A function is called on the loop itself, so anything it builds belongs to that loop.
        On timeout the work is cancelled and ``TimeoutError`` raised.
        """

        async def call() -> T:
            if asyncio.iscoroutine(work):
                return await work
            assert callable(work)
            return await work()

        future = asyncio.run_coroutine_threadsafe(call(), self.loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError(f"browser work did not finish within {timeout:g} s") from None

    def render(self, url: str, screenshot: Path | None = None) -> Artifacts:
        """One page in a fresh context of the shared browser."""
        return self.run(lambda: self.renderer.render(url, screenshot))

    def render_all(self, urls: list[str], tmp: Path | None = None) -> list[Artifacts]:
        """Render ``urls`` concurrently in the shared browser, exactly as the engine does."""

        async def go() -> list[Artifacts]:
            return list(
                await asyncio.gather(
                    *(
                        self.renderer.render(u, (tmp / f"{i}.png") if tmp else None)
                        for i, u in enumerate(urls)
                    )
                )
            )

        return self.run(go, timeout=60.0 + 30.0 * len(urls))

    def close(self) -> None:
        """Close the renderer (and its Chromium), stop the loop and join its thread."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self._stop.set)
        with contextlib.suppress(Exception):  # a failed start was already raised
            self._keeper.result(STOP_TIMEOUT_S)
        self._keeper.cancel()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(STOP_TIMEOUT_S)
        if not self._thread.is_alive():
            self.loop.close()


def nested(inner_message: str) -> BaseException:
    """An exception with an empty message whose cause holds ``inner_message`` (as chained
    errors arrive from asyncio and Playwright)."""
    try:
        try:
            raise ValueError(inner_message)
        except ValueError as inner:
            raise RuntimeError() from inner
    except RuntimeError as outer:
        return outer


def self_signed_certificate(folder: Path, common_name: str, alt: str = "") -> tuple[Path, Path]:
    """A throw-away certificate and key made by openssl (the test is skipped without it);
    ``alt`` is a subjectAltName such as ``DNS:www.example.gov.cn`` or ``IP:127.0.0.1``."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    args = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    args += ["-keyout", str(key), "-out", str(cert), "-subj", f"/CN={common_name}"]
    if alt:
        args += ["-addext", f"subjectAltName={alt}"]
    subprocess.run(args, check=True, capture_output=True)
    return cert, key


@contextlib.contextmanager
def tls_server(handler: type, cert_key: tuple[Path, Path]) -> Iterator[Any]:
    """A threaded HTTPS server on 127.0.0.1 (a free port) answering with ``handler``."""
    import ssl
    from http.server import ThreadingHTTPServer

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(str(cert_key[0]), str(cert_key[1]))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
