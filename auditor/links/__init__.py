"""Link health (issue 3, standards.md §7.3 A10): check every link, image and attachment once.

``LinkChecker`` does the HTTP (async, polite, cached per run); ``classify`` holds the pure rules
that turn a status, an error or a body into a kind; the ``link-health`` check in
``auditor.checks.links`` reads the results from ``Artifacts.link_status``.
"""

from __future__ import annotations

from typing import Any

from auditor.links.classify import KINDS, is_attachment, normalize_url, urls_to_check

_FROM_CHECKER = ("DEFAULT_USER_AGENT", "BrowserRecheck", "LinkChecker")


def __getattr__(name: str) -> Any:
    """The HTTP side loads on first use, so checks that read ``classify`` never load httpx."""
    if name in _FROM_CHECKER:
        from auditor.links import checker

        return getattr(checker, name)
    raise AttributeError(f"module 'auditor.links' has no attribute {name!r}")


__all__ = [
    "DEFAULT_USER_AGENT",
    "KINDS",
    "BrowserRecheck",
    "LinkChecker",
    "is_attachment",
    "normalize_url",
    "urls_to_check",
]
