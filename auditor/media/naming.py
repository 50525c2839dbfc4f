"""Does an account's name relate to its 主办单位? A simple, documented rule on the unit's core words.

国办发〔2018〕123号: 政务新媒体名称应与主办单位工作职责相关联，并在公开认证信息中标明主办单位名称.
The unit's name is split into its place names (四川省, 阿坝州, 武侯区 …), its function words (编译,
公安, 市场监督 …) and its organisation-type ending (人民政府, 局, 委员会 …). A name relates when it
contains a two-character piece of the function words (generic pieces such as 管理 do not count);
a name that shares only the place, or only single characters of the function words (an
abbreviation such as 城管), is ``unsure`` (review); one sharing none of these is ``none``.
A unit without function words (a 人民政府) relates through its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_PLACE = re.compile(
    r"^(.{2,7}?(?:自治区|自治州|自治县|特别行政区|省|市|州|盟|地区|县|区|旗|街道|镇|乡))"
)
_ENDINGS = (
    "人民政府办公室",
    "人民政府",
    "政府办公室",
    "政府",
    "委员会办公室",
    "委员会",
    "办公室",
    "管理局",
    "管理委员会",
    "服务中心",
    "中心",
    "局",
    "厅",
    "委",
    "办",
    "部",
    "署",
    "处",
    "所",
    "院",
    "站",
    "队",
    "馆",
)
# Two-character pieces every kind of unit uses: sharing one says nothing about the function.
GENERIC = frozenset(
    {"管理", "人民", "服务", "工作", "委员", "员会", "办公", "公室", "政府", "中心", "事务", "综合"}
)


class Relation(StrEnum):
    FUNCTION = "function"  # shares the unit's function words (or names the unit)
    UNSURE = "unsure"  # shares only the place, or single characters (an abbreviation)
    NONE = "none"


@dataclass(frozen=True)
class UnitWords:
    places: tuple[str, ...]  # place names without their 省/市/县 ending: 四川, 阿坝
    function: str  # what is left once places and the organisation-type ending are gone


def unit_words(unit: str) -> UnitWords:
    rest = re.sub(r"\s+", "", unit)
    places: list[str] = []
    while (m := _PLACE.match(rest)) and len(places) < 4:
        place = m.group(1)
        stem = re.sub(
            r"(自治区|自治州|自治县|特别行政区|街道|地区|[省市州盟县区旗镇乡])$", "", place
        )
        if len(stem) < 2:  # 城市管理局: 城市 is not a place
            break
        places.append(stem)
        rest = rest[len(place) :]
    for ending in _ENDINGS:
        if rest.endswith(ending) and len(rest) > len(ending):
            rest = rest[: -len(ending)]
            break
        if rest == ending:
            rest = ""
            break
    return UnitWords(tuple(places), rest)


def pieces(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} - GENERIC


def relation(name: str, unit: str) -> Relation:
    """How ``name`` (an account name or a 认证主体 text) relates to the unit ``unit``."""
    name, unit = re.sub(r"\s+", "", name), re.sub(r"\s+", "", unit)
    if not name or not unit:
        return Relation.NONE
    if unit in name:
        return Relation.FUNCTION
    words = unit_words(unit)
    if words.function and any(p in name for p in pieces(words.function)):
        return Relation.FUNCTION
    if any(p in name for p in words.places):
        return Relation.FUNCTION if not words.function else Relation.UNSURE
    if set(words.function) & set(name):
        return Relation.UNSURE
    return Relation.NONE
