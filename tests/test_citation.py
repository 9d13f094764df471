"""Citation metadata: CITATION.cff against the Citation File Format schema, and the ready-made citations."""

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml
from conftest import PROJECT

from dtbook import load_dataset
from dtbook.citation import bib_key, policies_bibtex, publication_citation, read_citation

pytestmark = pytest.mark.unit

# Schema of Citation File Format 1.2.0 (CC-BY-4.0), as shipped in the cffconvert 2.0.0 wheel.
CFF_SCHEMA = Path(__file__).parent / "schemas" / "citation-file-format-1.2.0.json"


def test_citation_cff_is_valid():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    metadata = yaml.safe_load((PROJECT / "CITATION.cff").read_text(encoding="utf-8"))
    metadata["date-released"] = str(metadata["date-released"])  # YAML reads dates; the schema wants the string
    jsonschema.validate(metadata, schema)


def test_citation_cff_schema_rejects_broken_metadata():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    broken = dict(read_citation())
    del broken["authors"]
    try:
        jsonschema.validate(broken, schema)
    except jsonschema.ValidationError as err:
        assert "authors" in str(err)
    else:
        raise AssertionError("metadata without authors passed the CFF schema")


def test_ready_citations_name_edition_fingerprint_and_source(data_copy):
    ds = load_dataset(data_copy)
    citation = publication_citation(ds)
    assert ds.edition["edition"] in citation["gbt_publication"] and ds.fingerprint in citation["gbt_publication"]
    assert citation["gbt_publication"].endswith(f"数据指纹 {ds.fingerprint}.")
    report = ds.source_report.set_index("key")["value"]
    assert citation["gbt_report"] == f"{report['author']}. {report['title']}[R]. {report['date'][:4]}."
    assert "@techreport{dingtao2022," in citation["bibtex"] and "@misc{" in citation["bibtex"]


def test_policy_bibliography_merges_repeated_documents_and_keeps_details(data_copy):
    ds = load_dataset(data_copy)
    bib = policies_bibtex(ds.policies)
    documents = set(zip(ds.policies["title"], ds.policies["issuer"].fillna("")))
    assert bib.count("@misc{") == len(documents)  # hand count: one entry per (title, issuer)
    dated = ds.policies[ds.policies["doc_number"].notna()].iloc[0]
    entry = bib[bib.index("@misc{" + bib_key(dated)) :].split("\n}\n")[0]
    assert dated["doc_number"] in entry and f"year = {{{dated['date'][:4]}}}" in entry
    assert "{{" + dated["title"] + "}}" in entry


def test_bib_key_is_the_document_not_the_row():
    same = pd.DataFrame({"title": ["甲方案", "甲方案", "乙方案"], "issuer": ["北京市", "北京市", pd.NA]})
    keys = [bib_key(row) for row in same.itertuples()]
    assert keys[0] == keys[1] != keys[2] and all(k.startswith("doc-") for k in keys)


def test_bibtex_escapes_markup_in_titles():
    policies = pd.DataFrame(
        {
            "policy_id": ["x"],
            "title": [r"\input{/etc/passwd} 50% ~^ {x}"],
            "issuer": [pd.NA],
            "doc_number": [pd.NA],
            "date": [pd.NA],
            "level": ["国家"],
        }
    )
    bib = policies_bibtex(policies)
    assert r"\textbackslash{}input\{/etc/passwd\} 50\% \textasciitilde{}\textasciicircum{} \{x\}" in bib
