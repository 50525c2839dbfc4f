"""The page scripts in ``auditor/js``: each parses with node, and the loader composes the shared
helpers into a script exactly once. No browser: the browser tests run the scripts themselves."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.js import USES_HELPERS, script, source

ROOT = Path(__file__).resolve().parent.parent
JS_DIR = ROOT / "auditor" / "js"
CHECK = ROOT / "scripts" / "check_js.sh"
FILES = sorted(p.name for p in JS_DIR.glob("*.js"))
SCRIPTS = [name.removesuffix(".js") for name in FILES if name != "helpers.js"]
USING_HELPERS = [name for name in SCRIPTS if source(name).startswith(USES_HELPERS + "\n")]
# Each shared helper's declaration, as helpers.js spells it.
HELPER_DECLARATIONS = (
    "const de = ",
    "const sx = ",
    "const clean = ",
    "const rectOf = ",
    "const visible = ",
    "const uniqueId = ",
    "function nthOfType(",
    "const selectorOf = ",
    "const snippetOf = ",
    "const classId = ",
)

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(CHECK), *map(str, paths)], capture_output=True, text=True, timeout=60
    )


@needs_node
@pytest.mark.parametrize("name", FILES)
def test_every_page_script_parses_with_node(name: str) -> None:
    result = check(JS_DIR / name)
    assert result.returncode == 0, result.stderr


@needs_node
@pytest.mark.parametrize("name", SCRIPTS)
def test_what_the_page_receives_is_one_expression(name: str, tmp_path: Path) -> None:
    composed = tmp_path / f"{name}.js"
    composed.write_text(script(name), encoding="utf-8")
    result = check(composed)
    assert result.returncode == 0, result.stderr


@needs_node
def test_the_check_fails_loudly_naming_the_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.js", tmp_path / "bad.js"
    good.write_text("(arg) => arg\n", encoding="utf-8")
    bad.write_text("(arg) => { return arg; };\nextra();\n", encoding="utf-8")  # two statements
    result = check(good, bad)
    assert result.returncode != 0
    assert str(bad) in result.stderr and str(good) not in result.stderr


def test_the_scripts_that_need_helpers_say_so() -> None:
    assert set(USING_HELPERS) == {
        "gather",
        "phone_stats",
        "phone_layout",
        "elderly_positioned",
        "elderly_inspect",
        "wording_locate",
    }


@pytest.mark.parametrize("name", USING_HELPERS)
def test_helpers_are_composed_exactly_once(name: str) -> None:
    composed = script(name)
    for declaration in HELPER_DECLARATIONS:
        assert composed.count(declaration) == 1, declaration
    assert USES_HELPERS not in composed
    assert composed.startswith("(arg) => {\n") and composed.rstrip().endswith("}")


@pytest.mark.parametrize("name", SCRIPTS)
def test_helpers_are_declared_in_helpers_js_only(name: str) -> None:
    for declaration in HELPER_DECLARATIONS:
        assert declaration not in source(name), declaration


@pytest.mark.parametrize("name", sorted(set(SCRIPTS) - set(USING_HELPERS)))
def test_other_scripts_are_sent_as_stored(name: str) -> None:
    assert script(name) == source(name)
    assert "const rectOf = " not in script(name)
