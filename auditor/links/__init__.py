"""Link health (issue 3, standards.md §7.3 A10): check every link, image and attachment once.

``LinkChecker`` does the HTTP (async, polite, cached per run); ``classify`` holds the pure rules
that turn a status, an error or a body into a kind; the ``link-health`` check in
``auditor.checks.links`` reads the results from ``Artifacts.link_status``.
"""

from __future__ import annotations

from auditor.links.checker import DEFAULT_USER_AGENT, BrowserRecheck, LinkChecker
from auditor.links.classify import KINDS, is_attachment, normalize_url, urls_to_check

__all__ = [
    "DEFAULT_USER_AGENT",
    "KINDS",
    "BrowserRecheck",
    "LinkChecker",
    "is_attachment",
    "normalize_url",
    "urls_to_check",
]
