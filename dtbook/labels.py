"""Coded values of the indicator tables: a stable key stored in the tables, a Chinese label shown to readers.

Code compares keys, never Chinese strings, so a relabelling cannot silently break a chart or a rule."""

from __future__ import annotations

from enum import Enum


class Coded(Enum):
    """Members are (key, label) pairs."""

    def __init__(self, key: str, label: str):
        self.key, self.label = key, label

    @classmethod
    def keys(cls) -> list[str]:
        return [member.key for member in cls]

    @classmethod
    def label_of(cls, key: str) -> str:
        return next(member.label for member in cls if member.key == key)


class EvidenceStatus(Coded):
    """How much evidence the report gives for one base and element."""

    NONE = ("none", "无证据")
    THIN = ("thin", "证据单薄")
    OK = ("ok", "有证据")


class CompositeStatus(Coded):
    """Whether the components with evidence carry enough of the weight for the composite to be read."""

    OK = ("ok", "证据覆盖较全")
    THIN = ("thin", "证据覆盖不足")


class RecommendationKind(Coded):
    """Why an element is recommended: what the report says of the base there, not how the base performs."""

    MISSING = ("missing", "报告未述及")
    DIRECTION = ("direction", "仅有方向性表述")
