"""Fidelity to the report: quotes stand verbatim where they say, the fact ledger's coverage is what the
book claims, each fact it counts as shown is on a page and in the PDF, and values that are not the
report's own are marked as such."""

import pandas as pd
import pytest
from conftest import DATA, visible_text

from dtbook import load_dataset
from dtbook.fidelity import Section, check_ledger, normalise, quote_in, report_sections, row_index, shown_refs
from dtbook.fmt import figure_value
from dtbook.pages.appendix import AUDITED_PARTS, COVERAGE_TARGET
from dtbook.schema import load_schemas


@pytest.fixture(scope="module")
def sections():
    return report_sections()


@pytest.fixture(scope="module")
def raw_tables():
    schemas = load_schemas()
    return as_written(DATA, schemas), schemas


def as_written(folder, schemas) -> dict[str, pd.DataFrame]:
    """A data folder's tables as written (strings), so keys compare with what a page prints, not with parsed
    numbers."""
    return {n: pd.read_csv(folder / s.file, dtype=str, keep_default_na=False) for n, s in schemas.items()}


@pytest.mark.unit
def test_the_report_is_cut_into_exactly_the_sections_the_data_names(sections):
    ds = load_dataset(DATA)
    assert set(sections) == set(ds.report_sections["section_id"])
    for row in ds.report_sections.itertuples():
        if row.section_id != "s0":
            assert normalise(row.title) in normalise(sections[row.section_id].heading), row.section_id
    assert normalise(ds.report_sections.set_index("section_id").at["s0", "title"]) in sections["s0"].variants()[0]


@pytest.mark.unit
def test_every_quote_in_the_data_stands_verbatim_in_the_section_it_cites(sections, raw_tables):
    tables, schemas = raw_tables
    checked = 0
    for name, frame in tables.items():
        if "quote" not in frame.columns or "source_section" not in frame.columns:
            continue
        for line, row in enumerate(frame.itertuples(index=False), 2):
            assert quote_in(row.quote, sections[row.source_section]), (schemas[name].file, line, row.quote[:30])
            checked += 1
    assert checked > 600  # evidence, both codings, key figures and the ledger


@pytest.mark.unit
def test_quote_matching_tolerates_only_line_breaks_and_page_artefacts():
    section = Section(
        "s9",
        "（九）",
        (
            "园区建成了数据交易",
            "易平台，并将设立基金。",
        ),
    )
    assert quote_in("建成了数据交易平台", section)  # the character a page break repeated
    assert quote_in("建成了数据交\n易易平台", section)  # read as printed, the line break dropped
    assert quote_in("园区……设立基金", section)
    assert not quote_in("园区建成了数据平台", section)
    assert not quote_in("设立基金……园区", section)  # segments in the report's order only
    assert not quote_in("", section)


@pytest.mark.unit
def test_the_ledger_holds_up_against_the_report_and_the_rows_it_cites(sections, raw_tables):
    tables, schemas = raw_tables
    assert check_ledger(tables["fact_ledger"], sections, row_index(tables, schemas)) == []


@pytest.mark.unit
def test_ledger_checks_catch_a_fact_its_rows_do_not_print(sections, raw_tables):
    tables, schemas = raw_tables
    ledger = tables["fact_ledger"]
    shown = ledger[ledger["shown_in"] != ""].iloc[[0]].copy()
    index = row_index(tables, schemas)
    blanked = {**index, **dict.fromkeys(shown_refs(shown["shown_in"].iloc[0]), "")}  # its rows no longer print it
    assert any("is printed by none" in p for p in check_ledger(shown, sections, blanked))
    missing = shown.assign(shown_in="measures:no-such-row")
    assert any("no such row" in p for p in check_ledger(missing, sections, index))
    silent = shown.assign(shown_in="", note="")
    assert any("must say why" in p for p in check_ledger(silent, sections, index))
    wrong = shown.assign(quote=shown["quote"].iloc[0] + "（本书加）")
    assert any("not verbatim" in p for p in check_ledger(wrong, sections, index))


@pytest.mark.unit
def test_coverage_of_parts_one_to_three_meets_the_target(raw_tables):
    ledger = raw_tables[0]["fact_ledger"]
    part = ledger["section_id"].str.split(".").str[0]
    audited = ledger[part.isin(AUDITED_PARTS)]
    shown = audited["shown_in"].map(lambda v: bool(shown_refs(v)))
    assert set(audited["section_id"]) >= {"s1", "s3", "s3.1", "s3.2", "s3.3"} | {f"s2.{n}" for n in range(1, 13)}
    assert shown.mean() >= COVERAGE_TARGET, audited[~shown][["fact_id", "fact"]].to_string()
    assert (audited[~shown]["note"].str.strip() != "").all()


@pytest.mark.unit
def test_figures_read_as_chinese_puts_qualifiers():
    assert figure_value("以上", 90, "%") == "90%以上"
    assert figure_value("以上", 1000, "亿元") == "1000 亿元以上"
    assert figure_value("超过", 20, "年") == "超过 20 年"
    assert figure_value("前", 8, "名") == "前 8 名"
    assert figure_value(pd.NA, 1.5, "亿美元") == "1.5 亿美元"


# ---------------------------------------------------------------- the built site and PDF


def _page(site, name: str) -> str:
    return normalise(visible_text((site["dir"] / "book" / f"{name}.html").read_text(encoding="utf-8")))


def _content_pages(site) -> str:
    return "".join(
        normalise(visible_text(path.read_text(encoding="utf-8")))
        for path in sorted((site["dir"] / "book").rglob("*.html"))
        if path.stem not in ("search", "genindex", "cite")
    )


@pytest.mark.build
def test_every_fact_the_ledger_counts_as_shown_is_on_a_page_and_in_the_pdf(site, pdf_text):
    ds = site["ds"]  # the shared site's data has hostile text planted: facts it overwrote are not expected
    index = row_index(as_written(site["data"], ds.schemas), ds.schemas)
    assert ds.tables  # loaded
    web, pdf = _content_pages(site), normalise(pdf_text)
    expected = [
        f
        for f in ds.fact_ledger.itertuples()
        if any(normalise(f.key) in index.get(r, "") for r in shown_refs(f.shown_in))
    ]
    assert len(expected) > 0.95 * len(ds.fact_ledger)
    off_web = [(f.fact_id, f.key) for f in expected if normalise(f.key) not in web]
    off_pdf = [(f.fact_id, f.key) for f in expected if normalise(f.key) not in pdf]
    assert not off_web, off_web[:10]
    assert not off_pdf, off_pdf[:10]


@pytest.mark.build
def test_policy_summaries_are_listed_with_their_policies_on_the_web_and_in_the_pdf(site, pdf_text):
    ds = site["ds"]
    pdf = normalise(pdf_text)
    policies = ds.policies[ds.policies["summary"].notna() & ds.policies["base_id"].notna()]
    assert len(policies) > 10
    for row in policies.itertuples():
        text = _page(site, f"bases/{row.base_id}")
        assert normalise(row.summary) in text, row.policy_id
        assert normalise(row.summary)[:40] in pdf, row.policy_id


@pytest.mark.build
def test_values_not_from_the_report_are_marked_beside_them_with_their_basis(site, pdf_text):
    ds = site["ds"]
    notes = ds.field_sources
    hainan = _page(site, "bases/hainan")
    city = notes[(notes["row_id"] == "hainan") & (notes["field"] == "city")].iloc[0]
    base = ds.bases.set_index("base_id").loc["hainan"]
    assert normalise(f"{base['city']}〔{city.basis}〕") in hainan
    assert normalise(city.note) in hainan
    for note in notes[(notes["table"] == "policies") & (notes["field"] == "level")].itertuples():
        policy = ds.policies.set_index("policy_id").loc[note.row_id]
        page = "overview" if pd.isna(policy["base_id"]) else f"bases/{policy['base_id']}"
        text = _page(site, page)
        assert normalise(f"{policy['level']}〔{note.basis}〕") in text, note.row_id
        assert normalise(note.note) in text, note.row_id
    for note in notes[(notes["table"] == "key_figures") & (notes["field"] == "value")].itertuples():
        figure = ds.key_figures.set_index("figure_id").loc[note.row_id]
        text = _page(site, f"bases/{figure['base_id']}")
        shown = figure_value(figure["qualifier"], figure["value"], figure["unit"])
        assert normalise(f"{shown}〔{note.basis}〕") in text, note.row_id
    errata = _page(site, "errata")
    assert all(normalise(n) in errata for n in notes["note"])
    assert normalise(f"{base['city']}〔{city.basis}〕") in normalise(pdf_text)
