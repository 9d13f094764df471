"""Citation metadata: the publication (from CITATION.cff), the source report, and the policy bibliography."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from .load import Dataset

CITATION_FILE = Path(__file__).resolve().parent.parent / "CITATION.cff"


def read_citation(path: Path = CITATION_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _bib_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "{}&%$#_" else ch for ch in str(text))


def publication_citation(ds: Dataset, citation: dict | None = None) -> dict[str, str]:
    """Ready-made citations of this publication and of the report it is based on."""
    citation = citation or read_citation()
    authors = "，".join(a["name"] for a in citation["authors"])
    year = str(citation["date-released"])[:4]
    edition = ds.edition["edition"]
    report = ds.source_report.set_index("key")["value"]
    report_year = str(report["date"])[:4]
    gbt_publication = (f"{authors}. {citation['title']}（{edition}）[DS/OL]. {year}"
                       f"[引用日期]. 数据指纹 {ds.fingerprint}.")
    gbt_report = f"{report['author']}. {report['title']}[R]. {report_year}."
    bibtex = (
        f"@misc{{dtbook{year},\n  title = {{{_bib_escape(citation['title'])}}},\n"
        f"  author = {{{{{_bib_escape(authors)}}}}},\n  year = {{{year}}},\n"
        f"  edition = {{{_bib_escape(edition)}}},\n  version = {{{citation['version']}}},\n"
        f"  note = {{数据指纹 {ds.fingerprint}}},\n  language = {{zh}}\n}}\n\n"
        f"@techreport{{dingtao{report_year},\n  title = {{{_bib_escape(report['title'])}}},\n"
        f"  author = {{{{{_bib_escape(report['author'])}}}}},\n  institution = {{{{{_bib_escape(report['author'])}}}}},\n"
        f"  year = {{{report_year}}},\n  month = {{{str(report['date'])[5:7] or ''}}},\n  language = {{zh}}\n}}"
    )
    return {"gbt_publication": gbt_publication, "gbt_report": gbt_report, "bibtex": bibtex}


def bib_keys(policies: pd.DataFrame) -> dict[str, str]:
    """policy_id -> BibTeX key: the same document named in several places is one entry (its first id)."""
    identity = policies["title"].astype(str) + "|" + policies["issuer"].fillna("").astype(str)
    first = dict(zip(identity[::-1], policies["policy_id"][::-1]))
    return dict(zip(policies["policy_id"], identity.map(first)))


def policies_bibtex(policies: pd.DataFrame) -> str:
    """One BibTeX entry per policy document; titles braced so styles keep them as printed."""
    keys = bib_keys(policies)
    entries = []
    for row in policies[policies["policy_id"].map(keys) == policies["policy_id"]].itertuples():
        fields = {"title": "{" + _bib_escape(row.title) + "}"}
        if row.issuer is not pd.NA and row.issuer:
            fields["author"] = "{" + _bib_escape(row.issuer) + "}"
        if row.doc_number is not pd.NA and row.doc_number:
            fields["howpublished"] = _bib_escape(row.doc_number)
        if row.date is not pd.NA and row.date:
            fields["year"] = row.date[:4]
            if len(row.date) >= 7:
                fields["note"] = f"{row.date[:4]}年{int(row.date[5:7])}月发布"
        fields["keywords"] = f"{row.level}"
        fields["language"] = "zh"
        body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items())
        entries.append(f"@misc{{{row.policy_id},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"
