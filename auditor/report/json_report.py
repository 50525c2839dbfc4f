"""The run as JSON: the one stored result every other report can be rebuilt from.

Schema ``auditor-run/1`` (``RunResult.to_dict``; UTF-8, Chinese kept as is)::

    {
      "schema": "auditor-run/1",
      "started": "2025-01-01T09:00:00+08:00",   # ISO 8601
      "finished": "...", "as_of": "2025-01-01", # as_of: the date rules are judged at
      "auditor_version": "...", "browser_version": "...",
      "options": {...},                          # the run's options, as given
      "input_errors": ["第3行：网址无效 ..."],   # rows of the sites file that were skipped
      "baseline": {                              # only when the CI gate applied one (--baseline,
        "file": "auditor-baseline.json",         # ignores; auditor/run/baseline.py)
        "entries": 28, "accepted": 26,           # accepted: findings it matched this run
        "resolved": [{"fingerprint", "check", "page", "element", "description"}],  # 已解决
        "unseen": [...],                         # entries whose page was not audited this time
        "ignored": 1, "ignores": [{"check", "reason", "page"}]
      },
      "sites": [{
        "site": {"url", "name", "code", "sponsor", "region", "extra": {}, "row"},
        "error": "",                             # the site could not be audited at all
        "verdict": {                             # national verdict (auditor/verdict.py); derived
          "label": "合格" | "不合格" | "未检查",  # from the findings and the scoring table, so
          "passed": true, "score": 96.5,         # read_json ignores it and reports recompute it
          "vetoes": [{"indicator", "check", "count", "message"}],   # failing 单项否决 items
          "deductions": [{"indicator", "points", "raw", "checks": [{"check", "points", "units"}]}],
          "decisive": ["单项否决：首页不更新（homepage-freshness）"],
          "review": ["header-site-name"],        # veto/deduct checks needing a person's look
          "unscored": [], "table": "国办秘函〔2019〕19号 检查指标（本工具默认表）"
        },
        "problems": [{                           # derived, like verdict: findings of one fault
          "check", "outcome", "role", "indicator", # of the shared template on many pages are one
          "message", "element", "evidence",      # problem (auditor/problems.py); every
          "pages": ["..."], "count": 20          # occurrence stays in pages[].findings
        }],
        "findings": [...],                       # site-level findings (same shape as below)
        "pages": [{
          "url", "final_url",                    # as requested / after redirects
          "status": 200,                         # HTTP status, null if no response
          "page_type": "home" | "column" | "article",
          "screenshot": "pages/p01.png",         # relative to the run directory
          "load_ms": 1234.5, "error": "",
          "findings": [{
            "check": "footer-icp",               # check id
            "outcome": "pass" | "fail" | "review" | "not_applicable" | "error" | "accepted",
                                                 # accepted: data.accepted = {"outcome", "by":
                                                 # "baseline" | "ignore", "reason"/"fingerprint"}
            "severity": "minor" | "moderate" | "serious" | "critical",
            "role": "veto" | "deduct" | "info",  # national verdict role
            "indicator": "扣分指标/网站标识/ICP备案编号",
            "rule": "...",                       # citation of the rule
            "message": "...",                    # expected vs found, Chinese
            "page_url": "...",
            "selector": "footer a", "snippet": "<a ...>",
            "rect": {"x", "y", "width", "height"} | null,  # document CSS px
            "region": "" | "header" | "footer" | "page",   # where a missing thing belongs
            "evidence": "evidence/p01-footer-icp-1.png",   # relative to the run directory
            "data": {...}                        # check-specific details
          }]
        }]
      }]
    }
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from auditor.model import RunResult
from auditor.problems import site_problems
from auditor.verdict import ScoringTable, default_table, judge

__all__ = ["SCHEMA", "atomic_write_text", "read_json", "write_json"]

SCHEMA = "auditor-run/1"


def write_json(run: RunResult, path: Path, table: ScoringTable | None = None) -> None:
    """Write the run atomically: a crash or a bad value never leaves half a file behind.

    Each site gets its ``verdict`` under ``table`` (default: the national default table).
    """
    table = table or default_table()
    d = run.to_dict()
    for site, out in zip(run.sites, d["sites"], strict=True):
        out["verdict"] = judge(site, table).to_dict()
        out["problems"] = [p.to_dict() for p in site_problems(site)]
    # serialise first: an unserialisable value must fail before anything touches the disk
    text = json.dumps(d, ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(Path(path), text)


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to a temp file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path | str) -> RunResult:
    """Load a run written by :func:`write_json`."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    schema = d.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValueError(f"{path}: unsupported schema {schema!r} (expected {SCHEMA!r})")
    return RunResult.from_dict(d)
