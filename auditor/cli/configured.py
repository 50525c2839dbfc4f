"""The configuration file under the command line: its values become the commands' defaults.

Setting them as argparse defaults and parsing again makes every option given on the command line
win over the file without comparing values one by one.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from rich.console import Console

from auditor.config import Config, load_config

__all__ = ["CONFIGURED", "apply_config"]

CONFIGURED = ("audit", "demo", "report", "check")


def apply_config(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    args: argparse.Namespace,
    err: Console,
) -> argparse.Namespace:
    """``args`` parsed again over the file's values; the loaded config is ``args.loaded_config``."""
    if args.command not in CONFIGURED:
        return args
    config = load_config(args.config)
    if config.path is not None:
        err.print(f"配置文件：{config.path}", soft_wrap=True)
        _subparser(parser, args.command).set_defaults(**_defaults(config, args.command))
        args = parser.parse_args(argv)
    args.loaded_config = config
    return args


def _defaults(config: Config, command: str) -> dict[str, Any]:
    if command == "check":
        values: dict[str, Any] = {"fail_on": config.fail_on}
    elif command == "report":
        values = {"scoring": config.scoring, **config.notice}
    else:
        values = {
            "as_of": config.as_of,
            "fail_on": config.fail_on,
            "max_pages": config.max_pages,
            "skip": ",".join(config.skip) or None,
            "column_pattern": config.column_pattern or None,
            "article_pattern": config.article_pattern or None,
            "scoring": config.scoring,
            "wording": list(config.wording) or None,
        }
    return {k: v for k, v in values.items() if v is not None}


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    raise KeyError(command)
