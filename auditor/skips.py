"""What ``--skip`` / ``skip =`` names: a gatherer key, a check id, or a group of checks.

A gatherer key turns off that browser or network step (its checks then say not_applicable); a
check id or a group (the check module's name, e.g. ``footer``) keeps the gathering but reports
those checks as not_applicable with the reason 按配置跳过. A name that is both a gatherer key and
a group (``links``, ``qr``) means the gatherer: the group's checks depend on it anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.gather import SKIPPABLE

__all__ = ["SKIPPED_BY_CONFIG", "Skips", "choices", "split_skips", "unknown_names"]

SKIPPED_BY_CONFIG = "按配置跳过"


@dataclass(frozen=True)
class Skips:
    gatherers: frozenset[str] = frozenset()
    checks: frozenset[str] = frozenset()  # check ids


def _checks_by_name() -> dict[str, set[str]]:
    from auditor.checks import CHECKS_BY_ID

    names: dict[str, set[str]] = {}
    for chk in CHECKS_BY_ID.values():
        names.setdefault(chk.id, set()).add(chk.id)
        names.setdefault(chk.group, set()).add(chk.id)
    return names


def unknown_names(names: Iterable[str]) -> list[str]:
    known = set(SKIPPABLE) | set(_checks_by_name())
    return sorted({n for n in names if n not in known})


def choices() -> str:
    """For messages: the gatherer keys and the groups (check ids are listed in the README)."""
    from auditor.checks import CHECKS_BY_ID

    groups = sorted({c.group for c in CHECKS_BY_ID.values()} - set(SKIPPABLE))
    return f"检查环节 {'、'.join(SKIPPABLE)}；检查组 {'、'.join(groups)}；或检查项编号"


def split_skips(names: Iterable[str]) -> Skips:
    """Gatherer keys and check ids; ValueError (Chinese) naming any unknown name."""
    names = [n.strip() for n in names if n.strip()]
    if unknown := unknown_names(names):
        raise ValueError(f"--skip 不认识：{'、'.join(unknown)}（可选：{choices()}）")
    by_name = _checks_by_name()
    gatherers = {n for n in names if n in SKIPPABLE}
    checks = {c for n in names if n not in SKIPPABLE for c in by_name[n]}
    return Skips(frozenset(gatherers), frozenset(checks))
