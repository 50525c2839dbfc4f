"""auditor: render government web pages once, check them against the national rules, prove it.

The public surface is listed in ``__all__`` (a test pins it); everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
