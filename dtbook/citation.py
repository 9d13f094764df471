"""Citation metadata: the publication (from CITATION.cff), the source report, and the policy bibliography."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import yaml
from pybtex.richtext import Text
from pybtex.style.formatting import BaseStyle

from .fmt import is_missing
from .paths import CITATION_FILE

BIB_SPECIAL = {ch: "\\" + ch for ch in "{}&%$#_"} | {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def read_citation(path: Path = CITATION_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _bib_escape(text: str) -> str:
    """Data text as BibTeX text: every character that BibTeX or LaTeX would read as markup, escaped."""
    return "".join(BIB_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split()))


BIB_UNESCAPE = re.compile("|".join(re.escape(v) for v in sorted(BIB_SPECIAL.values(), key=len, reverse=True)))


def _bib_unescape(text: str) -> str:
    """The data text back from a field _bib_escape wrote (its outer braces removed)."""
    inverse = {escaped: ch for ch, escaped in BIB_SPECIAL.items()}
    text = text[1:-1] if text.startswith("{") and text.endswith("}") else text
    return BIB_UNESCAPE.sub(lambda m: inverse[m.group(0)], text)


def source_report(ds) -> dict[str, str]:
    """The source report's attribution (title, author, date, …) by key."""
    return dict(zip(ds.source_report["key"], ds.source_report["value"]))


def publication_citation(ds, citation: dict | None = None) -> dict[str, str]:
    """Ready-made citations of this publication and of the report it is based on."""
    citation = citation or read_citation()
    authors = "，".join(a["name"] for a in citation["authors"])
    year = str(citation["date-released"])[:4]
    edition = ds.edition["edition"]
    report = source_report(ds)
    report_year = str(report["date"])[:4]
    gbt_publication = (
        f"{authors}. {citation['title']}（{edition}）[DS/OL]. {year}[引用日期]. 数据指纹 {ds.fingerprint}."
    )
    gbt_report = f"{report['author']}. {report['title']}[R]. {report_year}."
    bibtex = (
        f"@misc{{dtbook{year},\n  title = {{{_bib_escape(citation['title'])}}},\n"
        f"  author = {{{{{_bib_escape(authors)}}}}},\n  year = {{{year}}},\n"
        f"  edition = {{{_bib_escape(edition)}}},\n  version = {{{citation['version']}}},\n"
        f"  note = {{数据指纹 {ds.fingerprint}}},\n  language = {{zh}}\n}}\n\n"
        f"@techreport{{dingtao{report_year},\n  title = {{{_bib_escape(report['title'])}}},\n"
        f"  author = {{{{{_bib_escape(report['author'])}}}}},\n"
        f"  institution = {{{{{_bib_escape(report['author'])}}}}},\n"
        f"  year = {{{report_year}}},\n  month = {{{str(report['date'])[5:7] or ''}}},\n  language = {{zh}}\n}}"
    )
    return {"gbt_publication": gbt_publication, "gbt_report": gbt_report, "bibtex": bibtex}


def bib_key(policy) -> str:
    """A policy row's BibTeX key, from the document itself (title and issuer): the same document named in
    several places is one entry, and a page needs no other row to know the key."""
    issuer = "" if is_missing(policy.issuer) else policy.issuer
    return "doc-" + hashlib.sha1(f"{policy.title}|{issuer}".encode()).hexdigest()[:10]


class GBT7714Style(BaseStyle):
    """GB/T 7714—2015, 顺序编码制: entries numbered in the order the book lists them (the policy table's order,
    the order of first mention), each as 主要责任者. 题名: 文号[Z]. 年份-月份."""

    default_name_style = "plain"
    default_label_style = "number"
    default_sorting_style = "none"

    def format_misc(self, context) -> Text:
        entry = context["entry"]
        fields = {name: _bib_unescape(value) for name, value in entry.fields.items()}
        author = " ".join(_bib_unescape(str(p)) for p in entry.persons.get("author", []))
        title = fields.get("title", "")
        parts = [f"{author}. " if author else "", title]
        if fields.get("howpublished"):
            parts.append(f"：{fields['howpublished']}")
        parts.append("[Z]")
        if fields.get("year"):
            parts.append(f". {fields['year']}" + (f"-{fields['month']}" if fields.get("month") else ""))
        return Text("".join(parts) + ".")


def policies_bibtex(policies: pd.DataFrame) -> str:
    """One BibTeX entry per policy document (its first mention); titles braced so styles keep them as printed."""
    entries, seen = [], set()
    for row in policies.itertuples():
        key = bib_key(row)
        if key in seen:
            continue
        seen.add(key)
        fields = {"title": "{" + _bib_escape(row.title) + "}"}
        if not is_missing(row.issuer):
            fields["author"] = "{" + _bib_escape(row.issuer) + "}"
        if not is_missing(row.doc_number):
            fields["howpublished"] = _bib_escape(row.doc_number)
        if not is_missing(row.date):
            fields["year"] = row.date[:4]
            if len(row.date) >= 7:
                fields["month"] = row.date[5:7]
        fields["keywords"] = f"{row.level}"
        fields["language"] = "zh"
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        entries.append(f"@misc{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"
