"""How values read on a page: one missing-value rule and one way to print each kind of number."""

from __future__ import annotations

import math

import pandas as pd

SILENT = "报告未载明"
NO_EVIDENCE = "无证据"


def is_missing(value) -> bool:
    """None, pandas' NA, NaN and the empty string all mean "the data says nothing here"."""
    if value is None or value is pd.NA or value == "":
        return True
    return isinstance(value, float) and math.isnan(value)


def or_silent(value) -> str:
    return SILENT if is_missing(value) else str(value)


def number(value: float) -> str:
    """No thousands separators: years and counts read as printed in the report."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")


def score(value) -> str:
    """An element or component score, or 无证据 where the report gives no evidence."""
    return NO_EVIDENCE if is_missing(value) else f"{value:.0f}"


def one_decimal(value) -> str:
    return "" if is_missing(value) else f"{value:.1f}"


def whole(value) -> str:
    return "" if is_missing(value) else str(int(value))


def signed(value) -> str:
    return "" if is_missing(value) else f"{int(value):+d}"


def percent(share) -> str:
    return "" if is_missing(share) else f"{share:.0%}"


PREFIX_QUALIFIERS = {"约", "超过", "近", "前"}  # read before the number: 约 20 家、前 8 名
# 以上 follows the number and its unit, as Chinese reads it: 90% 以上、1000 亿元以上


def figure_value(qualifier, value: float, unit: str) -> str:
    """A key figure with its unit as the report states it, the qualifier in its Chinese place."""
    amount = f"{number(value)}{unit}" if unit == "%" else f"{number(value)} {unit}"
    if is_missing(qualifier):
        return amount
    return f"{qualifier} {amount}" if qualifier in PREFIX_QUALIFIERS else f"{amount}{qualifier}"
