"""The CI templates in ci/ run commands this auditor has: verbs and options its parser accepts."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.cli.parser import build_parser

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / "ci" / "github-actions.yml"
GITLAB = ROOT / "ci" / "gitlab-ci.yml"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def github_scripts() -> Iterator[str]:
    for job in load(GITHUB)["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"]


def gitlab_scripts() -> Iterator[str]:
    for name, job in load(GITLAB).items():
        if isinstance(job, dict) and not name.startswith("."):
            for key in ("before_script", "script", "after_script"):
                yield from job.get(key, [])


def auditor_commands(scripts: Iterator[str]) -> list[list[str]]:
    """Every ``auditor …`` shell line, split as the shell would (variables left as words)."""
    found = []
    for script in scripts:
        for line in script.replace("\\\n", " ").splitlines():
            words = shlex.split(line.strip()) if line.strip() else []
            if words and Path(words[0]).name == "auditor":
                found.append(words[1:])
    return found


def parse(args: list[str]) -> None:
    try:
        build_parser().parse_args(args)
    except SystemExit as exc:
        pytest.fail(f"auditor {shlex.join(args)}: the parser refuses it (exit {exc.code})")


@pytest.mark.parametrize(
    "scripts", [github_scripts, gitlab_scripts], ids=["github-actions", "gitlab-ci"]
)
def test_every_auditor_command_is_one_the_parser_accepts(scripts) -> None:
    commands = auditor_commands(scripts())
    assert [c[0] for c in commands] == ["audit"]  # each template audits the site once
    for args in commands:
        parse(args)
        assert "--baseline" in args and "--out" in args and "--local-only" not in args


def test_parse_refuses_an_unknown_option() -> None:
    """The check above can fail: a misspelt option is caught."""
    with pytest.raises(pytest.fail.Exception):
        parse(["audit", "https://www.example.gov.cn/", "--pages", "20"])


def test_github_job_uses_playwrights_chromium_and_noble_zbar() -> None:
    job = next(iter(load(GITHUB)["jobs"].values()))
    assert job["runs-on"] == "ubuntu-latest"
    text = "\n".join(github_scripts())
    assert "playwright install --with-deps chromium" in text
    assert re.search(r"\blibzbar0t64\b", text) and not re.search(r"\blibzbar0\b", text)
    assert "apt-get install -y --no-install-recommends chromium" not in text  # a snap on Ubuntu


def test_gitlab_image_is_playwrights_and_matches_the_pinned_version() -> None:
    pinned = re.search(r'"playwright==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned
    job = load(GITLAB)["gov-site-audit"]
    assert job["image"] == f"mcr.microsoft.com/playwright/python:v{pinned[1]}-noble"


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github-actions", "gitlab-ci"])
def test_the_run_folder_is_kept_with_its_junit_report(path: Path) -> None:
    """What ``--out`` names is what the artifacts keep (evidence and junit.xml live there)."""
    scripts = github_scripts() if path == GITHUB else gitlab_scripts()
    (args,) = auditor_commands(scripts)
    out = args[args.index("--out") + 1]
    text = path.read_text(encoding="utf-8")
    assert f"{out}/junit.xml" in text
    assert re.search(rf"^\s+(?:- )?{re.escape(out)}/$", text, re.M)
