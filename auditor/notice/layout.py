"""How many A4 pages a Word file takes, laid out by LibreOffice (when it is installed).

Offices print and attach the notice: its length is a property to measure, not to guess from the
number of rows. Used by the tests and the report-size benchmark; ``None`` without LibreOffice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

__all__ = ["word_pages"]


def word_pages(docx: Path, work_dir: Path, timeout: float = 900) -> int | None:
    """Pages of ``docx`` as LibreOffice lays it out (soffice → PDF in ``work_dir`` → pdfinfo)."""
    if not shutil.which("soffice") or not shutil.which("pdfinfo"):
        return None
    work_dir.mkdir(parents=True, exist_ok=True)
    profile = (work_dir / "lo-profile").resolve().as_uri()  # private: no clash with a user's
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work_dir), str(docx)],
        check=True, capture_output=True, timeout=timeout,
    )  # fmt: skip
    info = subprocess.run(
        ["pdfinfo", str(work_dir / f"{docx.stem}.pdf")],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(match.group(1)) if match else None
