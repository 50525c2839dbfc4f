"""auditor: render government web pages once, check them against the national rules, prove it.

The public surface is listed in ``__all__`` (a test pins it); everything else is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.version import __version__

# Names of the public surface and the module each lives in. They load on first use, so that
# ``import auditor.checks`` (and the pytest plugin) never load the browser, OpenCV or httpx.
_EXPORTS = {
    "Artifacts": "auditor.artifacts",
    "ALL_CHECKS": "auditor.checks",
    "CHECKS_BY_ID": "auditor.checks",
    "Check": "auditor.checks",
    "AuditOptions": "auditor.engine",
    "audit": "auditor.engine",
    **{
        name: "auditor.model"
        for name in (
            "Finding",
            "Outcome",
            "PageResult",
            "PageType",
            "Rect",
            "Role",
            "RunResult",
            "Severity",
            "SiteResult",
            "SiteSpec",
        )
    },
}

if TYPE_CHECKING:
    from auditor.artifacts import Artifacts
    from auditor.checks import ALL_CHECKS, CHECKS_BY_ID, Check
    from auditor.engine import AuditOptions, audit
    from auditor.model import (
        Finding,
        Outcome,
        PageResult,
        PageType,
        Rect,
        Role,
        RunResult,
        Severity,
        SiteResult,
        SiteSpec,
    )


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


__all__ = [
    "ALL_CHECKS",
    "CHECKS_BY_ID",
    "Artifacts",
    "AuditOptions",
    "Check",
    "Finding",
    "Outcome",
    "PageResult",
    "PageType",
    "Rect",
    "Role",
    "RunResult",
    "Severity",
    "SiteResult",
    "SiteSpec",
    "__version__",
    "audit",
]
