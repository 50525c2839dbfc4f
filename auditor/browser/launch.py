"""Find and launch a Chromium for rendering.

Playwright's own browser download cannot work on machines without internet, so the browser is
found in this order: an explicit setting (``--browser`` / ``AUDITOR_BROWSER``), Playwright's managed
Chromium if installed, then a system Chromium or Chrome.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from playwright.async_api import Browser, Playwright
from playwright.async_api import Error as PlaywrightError

from auditor.errors import first_line
from auditor.hostmap import chromium_rules

SYSTEM_BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)

# Chromium otherwise phones home in the background; harmless for audits, noisy on closed networks.
COMMON_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

INSTALL_HINT = (
    "未找到可用的 Chromium 浏览器。请任选其一：\n"
    "  - Debian/Ubuntu: apt-get install -y --no-install-recommends chromium fonts-wqy-microhei\n"
    "  - 有外网时: python -m playwright install chromium\n"
    "  - 或用 --browser /path/to/chrome（或环境变量 AUDITOR_BROWSER）指定浏览器可执行文件"
)


# What ``--version`` prints for the browsers Playwright drives over the DevTools protocol.
CHROMIUM_VERSION = re.compile(r"\b(?:Chromium|Chrome|Edge)\b[^\n]*?\d+\.\d+")
EXPECTED = "应为 Chromium 或 Google Chrome 浏览器的可执行文件"
VERSION_LIMIT_S = 20.0


class BrowserNotFoundError(RuntimeError):
    """No usable browser; the message says how to install one."""


def verify_chromium(path: str) -> None:
    """Refuse a ``--browser`` that is not a Chromium before Playwright fails on it obscurely."""
    if not os.access(path, os.X_OK):
        raise BrowserNotFoundError(f"指定的浏览器 {path} 不是可执行文件（{EXPECTED}）")
    try:
        done = subprocess.run(
            [path, "--version"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=VERSION_LIMIT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise BrowserNotFoundError(
            f"指定的浏览器 {path} 运行 --version 超过 {VERSION_LIMIT_S:g} 秒未结束（{EXPECTED}）"
        ) from exc
    except OSError as exc:
        raise BrowserNotFoundError(
            f"指定的浏览器 {path} 无法运行（{exc.strerror or exc}；{EXPECTED}）"
        ) from exc
    said = (done.stdout or done.stderr).strip().splitlines()
    if done.returncode != 0 or not CHROMIUM_VERSION.search(done.stdout):
        shown = f"它报告的版本是“{said[0][:80]}”" if said else "它没有报告版本号"
        raise BrowserNotFoundError(
            f"指定的浏览器 {path} 不是 Chromium/Chrome：{shown}（{EXPECTED}）"
        )


def explicit_browser(explicit: str) -> str:
    """The path of a browser named by ``--browser``/``AUDITOR_BROWSER``, once it is a Chromium."""
    path = shutil.which(explicit) or explicit
    if not Path(path).is_file():
        raise BrowserNotFoundError(f"指定的浏览器不存在：{explicit}\n{INSTALL_HINT}")
    verify_chromium(path)
    return path


def find_browser(pw: Playwright, explicit: str | None = None) -> str | None:
    """Return an executable path, or ``None`` to use Playwright's managed Chromium."""
    explicit = explicit or os.environ.get("AUDITOR_BROWSER") or None
    if explicit:
        return explicit_browser(explicit)
    try:
        managed = pw.chromium.executable_path
    except Exception:
        managed = ""
    if managed and Path(managed).is_file():
        return None
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError(INSTALL_HINT)


async def launch(
    pw: Playwright,
    explicit: str | None = None,
    *,
    test_mode: bool = False,
    hosts: Mapping[str, str] | None = None,
) -> Browser:
    """Launch headless Chromium; ``test_mode`` confines name resolution to localhost, ``hosts``
    sends staging names to their addresses (``--resolve``)."""
    args = COMMON_ARGS + chromium_rules(hosts or {}, test_mode=test_mode)
    path = find_browser(pw, explicit)
    try:
        return await pw.chromium.launch(
            executable_path=path,
            headless=True,
            args=args,
            # A visitor's browser blocks pop-ups a page opens by itself; Playwright turns that off,
            # and a page opening 68 windows on load then takes longer than 15 s to load here.
            ignore_default_args=["--disable-popup-blocking"],
        )
    except PlaywrightError as exc:
        # A broken install (missing libraries, a crashing binary): one line, not a traceback.
        first = first_line(exc, 200) or type(exc).__name__
        raise BrowserNotFoundError(
            f"浏览器 {path or 'Playwright 自带的 Chromium'} 无法启动（{first}；{EXPECTED}）"
        ) from exc
