"""Fidelity to the report: its text cut into sections, verbatim quote checks, and the fact ledger that
counts how much of the report the book shows.

The ledger (data/fact_ledger.csv) lists every substantive fact of the report, the verbatim clause that
states it, a key (its distinctive words) and the data rows that show it. A fact counts as shown when
its key occurs in a displayed field of one of those rows, so coverage can be recomputed by anyone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .load import row_ids
from .paths import REPORT_TEXT
from .schema import TableSchema

# Fields a page prints, per table: a ledger key must occur in one of them.
DISPLAYED = {
    "bases": ["name", "short_name", "positioning", "profile", "batch", "recognised", "disclosure"],
    "measures": ["title", "description", "kind", "status"],
    "key_figures": ["metric", "value", "unit", "quote"],
    "policies": ["title", "issuer", "date", "doc_number", "summary"],
    "focus_industries": ["industry"],
    "evidence": ["quote", "shows"],
    "background_facts": ["statement"],
    "concepts": ["label", "text"],
    "taxonomy": ["name"],
    "framework_groups": ["name"],
    "framework_elements": ["name"],
    "framework_actions": ["action"],
    "framework_text": ["text"],
    "source_report": ["value"],
    "errata": ["printed", "published"],
}
PART_NUMERALS = "一二三四"
SUB_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def normalise(text: str) -> str:
    """Compare text as a reader does: NFKC (full- and half-width alike), no whitespace, no digit grouping."""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


@dataclass(frozen=True)
class Section:
    section_id: str
    heading: str
    blocks: tuple[str, ...]  # paragraphs as printed; a page break may split one into two blocks

    def variants(self) -> list[str]:
        """The section as one normalised string; also without a character that a page break repeated."""
        plain = "".join(self.blocks)
        deduped = self.blocks[0] if self.blocks else ""
        for block in self.blocks[1:]:
            deduped += block[1:] if deduped and block and deduped[-1] == block[0] else block
        return list(dict.fromkeys([normalise(plain), normalise(deduped)]))


def _blocks(text: str) -> tuple[str, ...]:
    blocks = (re.sub(r"\s*\n\s*", "", b.strip()) for b in re.split(r"\n\s*\n", text))
    return tuple(b for b in blocks if b)


def report_sections(path: Path = REPORT_TEXT) -> dict[str, Section]:
    """section_id -> Section, cut at the body's headings (the table of contents is skipped): s0 is the
    cover, s1…s4 the parts' own text before their first subsection, s2.N and s3.N the subsections."""
    text = path.read_text(encoding="utf-8")
    parts = [re.compile(rf"^{numeral}、.*$", re.M) for numeral in PART_NUMERALS]
    starts = [list(p.finditer(text))[-1] for p in parts]  # the last match: the first is the contents
    sections = {"s0": Section("s0", "封面", _blocks(text[: text.index("目录")]))}
    for number, head in enumerate(starts, 1):
        end = starts[number].start() if number < len(starts) else len(text)
        body = text[head.end() : end]
        subs = list(re.finditer(r"^（(十[一二]?|[一二三四五六七八九])）(.*)$", body, flags=re.M))
        intro_end = subs[0].start() if subs else len(body)
        sections[f"s{number}"] = Section(f"s{number}", head.group(0), _blocks(body[:intro_end]))
        for i, sub in enumerate(subs):
            sid = f"s{number}.{SUB_NUMERALS.index(sub.group(1)) + 1}"
            sub_end = subs[i + 1].start() if i + 1 < len(subs) else len(body)
            sections[sid] = Section(sid, sub.group(0), _blocks(body[sub.end() : sub_end]))
    return sections


def quote_in(quote: str, section: Section) -> bool:
    """True when the quote stands verbatim in the section; "……" may join verbatim segments in order."""
    segments = [normalise(s) for s in str(quote).split("……") if normalise(s)]
    for text in section.variants():
        position = 0
        for segment in segments:
            at = text.find(segment, position)
            if at < 0:
                break
            position = at + len(segment)
        else:
            return bool(segments)
    return False


def row_index(tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema]) -> dict[str, str]:
    """'table:row_id' -> the row's displayed text (normalised), for every table a ledger may cite. A row
    id is its primary key, fields joined by "/" (focus_industries:chengdu/虚拟现实)."""
    index = {}
    for table, fields in DISPLAYED.items():
        if table not in tables:
            continue
        frame = tables[table]
        ids = row_ids(frame, schemas[table])
        texts = frame[[f for f in fields if f in frame.columns]].astype("string").fillna("")
        for rid, (_, row) in zip(ids, texts.iterrows()):
            index[f"{table}:{rid}"] = normalise("|".join(row))
    return index


def check_ledger(ledger: pd.DataFrame, sections: dict[str, Section], index: dict[str, str]) -> list[str]:
    """Every problem of the ledger, one message each: the fact id, the column and what is wrong."""
    problems = []
    for row in ledger.itertuples(index=False):
        where = f"fact_ledger {row.fact_id}"
        section = sections.get(row.section_id)
        if section is None:
            problems.append(f"{where}, section_id: no section {row.section_id} in the report")
            continue
        if not quote_in(row.quote, section):
            problems.append(f"{where}, quote: not verbatim in {row.section_id}: {str(row.quote)[:40]}")
        key = normalise(row.key)
        if not key or key not in normalise(str(row.quote).replace("……", "")):
            problems.append(f"{where}, key: {row.key!r} does not occur in the quote")
        refs = shown_refs(row.shown_in)
        unknown = [r for r in refs if r not in index]
        if unknown:
            problems.append(f"{where}, shown_in: no such row {'；'.join(unknown)}")
        elif refs and not any(key in index[r] for r in refs):
            problems.append(f"{where}, shown_in: key {row.key!r} is printed by none of {'；'.join(refs)}")
        if not refs and not str(row.note or "").strip():
            problems.append(f"{where}, note: a fact not shown must say why")
    return problems


def shown_refs(value) -> list[str]:
    return [r.strip() for r in re.split(r"[;；]", "" if pd.isna(value) else str(value)) if r.strip()]


def coverage(ledger: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Facts counted and shown per section, in the report's order, with the share shown."""
    shown = ledger["shown_in"].map(lambda v: bool(shown_refs(v)))
    counts = (
        pd.DataFrame({"section_id": ledger["section_id"], "shown": shown})
        .groupby("section_id")
        .agg(facts=("shown", "size"), shown=("shown", "sum"))
    )
    out = sections[["section_id", "number", "title"]].merge(counts, on="section_id")
    out["share"] = out["shown"] / out["facts"]
    return out
