"""auditor: render government web pages once, check them against the national rules, prove it."""

from __future__ import annotations

__version__ = "0.1.0"
