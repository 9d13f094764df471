"""Check a coding (data/evidence.csv, data/coding_first.csv, data/coding_second.csv) against the report text.

For every row: the quote occurs verbatim in the base's own section of part 二 (after joining
line breaks and the paragraphs that a page break split), in the paragraph its locator names
(counted as in data/evidence.csv: every block after the heading, numbered items included,
the 定位 line not);
element ids, strengths and ids are valid; no quote is used twice and no two quotes of the same
paragraph overlap (one fact, one element). Quotes may join verbatim segments with "……".

Usage: python coding/check_quotes.py CODING.csv [report.txt]
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORT = HERE.parent.parent / "shared" / "seed" / "000_19a10c5e00cb25f7.txt"  # ../shared beside the repository
ELEMENTS = {"td_definition", "td_path", "td_feature", "is_tech", "is_platform", "is_chain",
            "bm_rules", "bm_governance", "bm_institution"}
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
SENTENCE_END = tuple("。！？；：”）)")
# Page breaks that fall right after a full stop look like paragraph breaks; the ones known in
# this text (the block that goes on the paragraph before it) are listed here.
KNOWN_BREAKS = {("s2.4", "加大华软科技")}


def base_sections(text: str) -> dict[str, list[str]]:
    """section_id (s2.1 … s2.12) -> body paragraphs, heading and 定位 line left out."""
    start = text.rindex("\n二、现状")  # the last one: the first is the table of contents
    end = text.rindex("\n三、思路")
    part = text[start:end]
    heads = list(re.finditer(r"^（(十[一二]?|[一二三四五六七八九])）.*$", part, flags=re.M))
    sections = {}
    for i, head in enumerate(heads):
        number = NUMERALS.index(head.group(1)) + 1
        section_id = f"s2.{number}"
        body = part[head.end(): heads[i + 1].start() if i + 1 < len(heads) else len(part)]
        blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
        blocks = [b for b in blocks if not b.startswith("定位：")]
        paragraphs: list[str] = []
        joined_after_break = False
        for block in blocks:
            block = re.sub(r"\s*\n\s*", "", block)
            known_break = any(section_id == sid and block.startswith(opening) for sid, opening in KNOWN_BREAKS)
            if paragraphs and (joined_after_break or known_break):
                paragraphs[-1] = paragraphs[-1] + "\u0000" + block  # \0 marks the page break
            else:
                paragraphs.append(block)
            joined_after_break = not block.endswith(SENTENCE_END)
        sections[section_id] = paragraphs
    return sections


def variants(paragraph: str) -> list[str]:
    """The paragraph joined across page breaks, plus the reading without a character that the
    break repeated (上页末“厦门软”，下页首“软件园”)."""
    plain = paragraph.replace("\u0000", "")
    deduped = re.sub(r"(.)\u0000\1", r"\1", paragraph).replace("\u0000", "")
    return [plain] if deduped == plain else [plain, deduped]


def find_span(quote: str, paragraph: str) -> tuple[int, int] | None:
    """Start and end of the quote in the paragraph (segments joined by …… in order), or None."""
    segments = [s for s in quote.split("……") if s]
    for text in variants(paragraph):
        position, first = 0, None
        for segment in segments:
            at = text.find(segment, position)
            if at < 0:
                break
            first = at if first is None else first
            position = at + len(segment)
        else:
            return first, position
    return None


def main(pilot: Path, report: Path) -> int:
    sections = base_sections(report.read_text(encoding="utf-8"))
    rows = list(csv.DictReader(pilot.open(encoding="utf-8")))
    problems, spans, seen = [], {}, {}
    for row in rows:
        rid = row["evidence_id"]
        if not re.fullmatch(r"[a-z0-9-]+", rid) or not rid.startswith(row["base_id"] + "-"):
            problems.append(f"{rid}: bad evidence_id")
        if row["element_id"] not in ELEMENTS:
            problems.append(f"{rid}: unknown element {row['element_id']}")
        if row["strength"] not in {"1", "2", "3"}:
            problems.append(f"{rid}: strength {row['strength']!r}")
        quote = re.sub(r"\s*\n\s*", "", row["quote"])
        if quote in seen:
            problems.append(f"{rid}: same quote as {seen[quote]}")
        seen[quote] = rid
        paragraphs = sections.get(row["source_section"])
        if paragraphs is None:
            problems.append(f"{rid}: {row['source_section']} is not a base section of part 二")
            continue
        found = [(n, span) for n, p in enumerate(paragraphs, 1) if (span := find_span(quote, p))]
        if not found:
            problems.append(f"{rid}: quote not found in {row['source_section']}: {quote[:30]}…")
            continue
        claimed = re.match(r"第(\d+)段", row["source_locator"])
        numbers = [n for n, _ in found]
        if not claimed or int(claimed.group(1)) not in numbers:
            problems.append(f"{rid}: locator {row['source_locator']!r}, quote is in 第{numbers}段")
            continue
        n = int(claimed.group(1))
        span = dict(found)[n]
        for other, (m, other_span) in spans.items():
            if m == (row["source_section"], n) and span[0] < other_span[1] and other_span[0] < span[1]:
                problems.append(f"{rid}: quote overlaps {other}")
        spans[rid] = ((row["source_section"], n), span)
    for problem in problems:
        print("PROBLEM", problem)
    print(f"{len(rows)} rows checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(Path(args[0]) if args else HERE / "pilot.csv", Path(args[1]) if len(args) > 1 else REPORT))
