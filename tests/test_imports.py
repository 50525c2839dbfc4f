"""Loading the checks or the pytest plugin never loads the browser side, OpenCV or httpx.

Checks are pure functions over artifacts (``auditor check --from DIR`` runs them without a
browser), and the plugin is loaded by every pytest run once the package is installed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("playwright", "cv2", "zxingcpp", "pyzbar", "httpx", "numpy", "docx", "openpyxl")


@pytest.mark.parametrize("module", ["auditor", "auditor.checks", "auditor.pytest_plugin"])
def test_importing_loads_no_heavy_dependency(module: str) -> None:
    code = (
        f"import json, sys, {module}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_the_public_surface_still_resolves_lazily() -> None:
    import auditor

    assert auditor.audit.__module__ == "auditor.engine"
    assert auditor.Finding.__module__ == "auditor.model"
    assert auditor.__version__
    with pytest.raises(AttributeError):
        auditor.no_such_name  # noqa: B018
