"""A fictional government site (示例市人民政府) and a local server for it.

The site seeds known defects page by page (``site/expected.json``), so the auditor can be tested and
benchmarked end to end against 127.0.0.1 without touching any real government host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.demo.server import SITE_ROOT, DemoServer

__all__ = ["SITE_ROOT", "DemoServer"]


def __getattr__(name: str) -> Any:
    # Lazy, so ``python -m auditor.demo.server`` does not import the module twice (runpy warning).
    if name in __all__:
        from auditor.demo import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
