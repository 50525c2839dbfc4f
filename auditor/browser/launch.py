"""Find and launch a Chromium for rendering.

Playwright's own browser download cannot work on machines without internet, so the browser is
found in this order: an explicit setting (``--browser`` / ``AUDITOR_BROWSER``), Playwright's managed
Chromium if installed, then a system Chromium or Chrome.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.async_api import Browser, Playwright

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
# Tests and CI may only reach 127.0.0.1: every other host name fails to resolve.
TEST_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]

INSTALL_HINT = (
    "未找到可用的 Chromium 浏览器。请任选其一：\n"
    "  - Debian/Ubuntu: apt-get install -y --no-install-recommends chromium fonts-wqy-microhei\n"
    "  - 有外网时: python -m playwright install chromium\n"
    "  - 或用 --browser /path/to/chrome（或环境变量 AUDITOR_BROWSER）指定浏览器可执行文件"
)


class BrowserNotFoundError(RuntimeError):
    """No usable browser; the message says how to install one."""


def find_browser(pw: Playwright, explicit: str | None = None) -> str | None:
    """Return an executable path, or ``None`` to use Playwright's managed Chromium."""
    explicit = explicit or os.environ.get("AUDITOR_BROWSER") or None
    if explicit:
        path = shutil.which(explicit) or explicit
        if not Path(path).is_file():
            raise BrowserNotFoundError(f"指定的浏览器不存在：{explicit}\n{INSTALL_HINT}")
        return path
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
    pw: Playwright, explicit: str | None = None, *, test_mode: bool = False
) -> Browser:
    """Launch headless Chromium; ``test_mode`` confines name resolution to localhost."""
    args = COMMON_ARGS + (TEST_ARGS if test_mode else [])
    return await pw.chromium.launch(
        executable_path=find_browser(pw, explicit),
        headless=True,
        args=args,
        # A visitor's browser blocks pop-ups a page opens by itself; Playwright turns that off,
        # and a page opening 68 windows on load then takes longer than 15 s to load here.
        ignore_default_args=["--disable-popup-blocking"],
    )
