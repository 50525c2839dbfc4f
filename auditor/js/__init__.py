"""The JavaScript the auditor runs in rendered pages: one ``.js`` file per script, loaded by name.

Each file is ONE JavaScript expression, in the form Playwright takes:

- for ``page.evaluate(script, arg)``, a function expression (``(arg) => { ... }``,
  ``async ([a, b]) => { ... }``), which Playwright calls with ``arg``;
- for ``context.add_init_script(script)`` (``settle_probe``, ``elderly_watch``), a self-calling
  ``(() => { ... })()``, run as it is before the page's own scripts.

``helpers.js`` is the one exception: the shared DOM helpers (``de``, ``body``, ``sx``/``sy``,
``clean``, ``rectOf``, ``visible``, ``selectorOf``, ``snippetOf``, ``classId``) as plain
declarations. A script whose first line is exactly ``// @uses helpers`` gets them: :func:`script`
returns it wrapped as ::

    (arg) => {
    <helpers.js>
    return (<the script>)(arg);
    }

so the script's function sees the helpers in its closure, declared once per composed script and
afresh at every call (scroll offsets read then, caches empty). Other scripts are returned as stored.

``scripts/check_js.sh`` (run by ``scripts/test.sh`` and ``tests/test_js.py``) parses every file
with node in exactly these shapes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["USES_HELPERS", "script", "source"]

USES_HELPERS = "// @uses helpers"  # first line of a script that needs helpers.js


@cache
def source(name: str) -> str:
    """The text of ``auditor/js/<name>.js`` as stored."""
    return resources.files(__name__).joinpath(f"{name}.js").read_text(encoding="utf-8")


@cache
def script(name: str) -> str:
    """The script ``name``, ready for ``page.evaluate`` (or ``add_init_script``)."""
    text = source(name)
    first, _, rest = text.partition("\n")
    if first.strip() != USES_HELPERS:
        return text
    # The newline before ")" ends a trailing line comment, if the script has one.
    return f"(arg) => {{\n{source('helpers')}\nreturn ({rest.strip()}\n)(arg);\n}}\n"
