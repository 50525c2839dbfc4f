"""QR codes shown on government pages (issue 3, check ``qr-image``; standards.md §4.3, §7.4).

``decode`` reads a picture (zxing-cpp, then OpenCV, then pyzbar, with preprocessing retries);
``classify`` picks candidates and judges payloads against the platform lists in
``data/platforms.toml``; ``gather_qr`` ties them to a page's artifacts and screenshot, with all
network access injected by the engine.
"""

from __future__ import annotations

from auditor.qr.classify import Platform, Platforms, load_platforms
from auditor.qr.decode import DecodeResult, decode, looks_like_qr
from auditor.qr.gather import gather_qr

__all__ = [
    "DecodeResult",
    "Platform",
    "Platforms",
    "decode",
    "gather_qr",
    "load_platforms",
    "looks_like_qr",
]
