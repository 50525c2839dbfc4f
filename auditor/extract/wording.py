"""Serious wording errors (严重表述错误) found by dictionary: the lists, and where their terms occur.

国办秘函〔2019〕19号 单项否决 lists 严重表述错误. Offices keep lists of the errors that matter: mis-typed
standard political formulations, wrong names and titles of national leaders, institution names
that reforms abolished, forbidden expressions. Those lists are data (``auditor/data/wording/*.toml``,
plus a province's own with ``--wording FILE``), each entry a wrong form, its correct form, a
category and a source. All terms are matched in one pass (Aho-Corasick, pyahocorasick), so a
list of thousands costs no more than a list of ten.

This module only finds occurrences and keeps their surroundings; whether an occurrence is an
error (a quoted correction, a dated article from before a reform) is the check's judgement.
No dictionary is complete: a page without a hit has no error *from these lists*.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

__all__ = ["CONTEXT_CHARS", "Entry", "Lexicon", "WordingError", "lexicon", "occurrences"]

CONTEXT_CHARS = 40  # kept either side of a hit: enough for 所谓“…”, “…”应为“…”
MAX_HITS_PER_TERM = 20
_FIELDS = {"wrong", "right", "category", "source", "note", "since", "except"}


class WordingError(ValueError):
    """A wording list that cannot be used, with the file and what is wrong (Chinese)."""


@dataclass(frozen=True)
class Entry:
    wrong: str  # the erroneous form, as it appears on pages
    right: str  # the correct form ("" when the expression is simply not to be used)
    category: str  # 规范表述, 领导人姓名职务, 机构名称, 禁用表述, or a province's own
    source: str  # the rule or document the correct form comes from
    list_name: str
    note: str = ""
    since: str = ""  # YYYY-MM-DD: wrong only in texts dated from then on (reforms, new titles)
    allowed: tuple[str, ...] = ()  # longer words that contain ``wrong`` and are fine


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    lists: tuple[dict[str, str], ...]  # name, category, source, file of every list loaded
    automaton: Any  # ahocorasick.Automaton: wrong form -> index in entries

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """Every (start, end, entry) of a wrong form in ``text``, at most a few per term."""
        if not self.entries or not text:
            return []
        found: list[tuple[int, int, Entry]] = []
        per_term: dict[int, int] = {}
        for end, index in self.automaton.iter(text):
            if per_term.get(index, 0) >= MAX_HITS_PER_TERM:
                continue
            per_term[index] = per_term.get(index, 0) + 1
            entry = self.entries[index]
            start = end + 1 - len(entry.wrong)
            if not _inside_allowed(text, start, entry):
                found.append((start, end + 1, entry))
        return found


def occurrences(lex: Lexicon, texts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Hits in each (where, text) pair, as plain data with CONTEXT_CHARS of text either side."""
    hits = []
    for where, text in texts:
        for start, end, entry in lex.find(text):
            hits.append(
                {
                    "wrong": entry.wrong,
                    "right": entry.right,
                    "category": entry.category,
                    "source": entry.source,
                    "list": entry.list_name,
                    "note": entry.note,
                    "since": entry.since,
                    "where": where,
                    "before": text[max(0, start - CONTEXT_CHARS) : start],
                    "after": text[end : end + CONTEXT_CHARS],
                }
            )
    return hits


def _inside_allowed(text: str, start: int, entry: Entry) -> bool:
    """The hit is part of a longer word that is fine (“农业部门” is not “农业部”)."""
    for word in entry.allowed:
        offset = word.find(entry.wrong)
        while offset >= 0:
            at = start - offset
            if at >= 0 and text[at : at + len(word)] == word:
                return True
            offset = word.find(entry.wrong, offset + 1)
    return False


@cache
def lexicon(extra: tuple[Path, ...] = ()) -> Lexicon:
    """The bundled lists plus ``extra`` files (a province's own), as one automaton."""
    sources: list[tuple[str, str]] = [
        (f"auditor/data/wording/{f.name}", f.read_text(encoding="utf-8"))
        for f in sorted(
            resources.files("auditor.data").joinpath("wording").iterdir(), key=lambda f: f.name
        )
        if f.name.endswith(".toml")
    ]
    for path in extra:
        try:
            sources.append((str(path), path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise WordingError(f"无法读取表述错误词表 {path}：{exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise WordingError(f"表述错误词表 {path} 不是 UTF-8 编码的文本") from exc
    entries: list[Entry] = []
    lists = []
    for name, text in sources:
        listed, found = _parse(name, text)
        lists.append(listed)
        entries += found
    automaton = ahocorasick.Automaton()
    for index, entry in enumerate(entries):
        automaton.add_word(entry.wrong, index)  # a later list's entry for a term wins
    if entries:
        automaton.make_automaton()
    return Lexicon(tuple(entries), tuple(lists), automaton)


def _parse(name: str, text: str) -> tuple[dict[str, str], list[Entry]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WordingError(f"表述错误词表 {name} 格式错误：{exc}") from exc
    head = data.get("list", {})
    listed = {
        "name": str(head.get("name") or Path(name).stem),
        "category": str(head.get("category") or "表述错误"),
        "source": str(head.get("source") or ""),
        "file": name,
    }
    terms = data.get("term", [])
    if not isinstance(terms, list):
        raise WordingError(f"表述错误词表 {name}：term 应写成 [[term]] 表")
    entries = []
    for number, term in enumerate(terms, 1):
        unknown = sorted(set(term) - _FIELDS)
        if unknown:
            raise WordingError(
                f"表述错误词表 {name} 第{number}条有不认识的字段：{'、'.join(unknown)}"
                f"（可用：{'、'.join(sorted(_FIELDS))}）"
            )
        wrong = str(term.get("wrong", "")).strip()
        if not wrong:
            raise WordingError(f"表述错误词表 {name} 第{number}条缺少 wrong（错误写法）")
        since = str(term.get("since", ""))
        if since:
            try:
                date.fromisoformat(since)
            except ValueError as exc:
                raise WordingError(
                    f"表述错误词表 {name} 第{number}条的 since 应为 YYYY-MM-DD：{since}"
                ) from exc
        entries.append(
            Entry(
                wrong=wrong,
                right=str(term.get("right", "")),
                category=str(term.get("category") or listed["category"]),
                source=str(term.get("source") or listed["source"]),
                list_name=listed["name"],
                note=str(term.get("note", "")),
                since=since,
                allowed=tuple(str(w) for w in term.get("except", [])),
            )
        )
    return listed, entries
