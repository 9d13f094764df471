"""The data published beside the site: every table as CSV with a Frictionless-style descriptor."""

from __future__ import annotations

import json
from pathlib import Path

from .citation import policies_bibtex, read_citation, source_report
from .files import write_if_changed
from .indicators import INDICATOR_FOLDER, INDICATOR_TITLES, Indicators, write_indicators
from .load import Dataset

FRICTIONLESS_TYPES = {
    "string": "string",
    "text": "string",
    "url": "string",
    "integer": "integer",
    "number": "number",
    "year": "year",
    "partial_date": "string",
    "list": "string",
}


def _indicator_resource(name, frame) -> dict:
    kinds = {"i": "integer", "f": "number", "b": "boolean"}
    fields = [{"name": column, "type": kinds.get(frame[column].dtype.kind, "string")} for column in frame.columns]
    return {
        "name": f"indicators-{name.replace('_', '-')}",
        "path": f"{INDICATOR_FOLDER}/{name}.csv",
        "title": f"指标结果：{INDICATOR_TITLES[name]}",
        "format": "csv",
        "encoding": "utf-8",
        "sources": [{"title": "本出版物按 dtbook.indicators 计算，方法见“方法说明”一章"}],
        "rows": len(frame),
        "schema": {"fields": fields},
    }


def descriptor(ds: Dataset, indicators: Indicators) -> dict:
    """datapackage.json content: schemas with units, allowed values, keys, and each table's source;
    then the computed indicator tables."""
    citation = read_citation()
    resources = []
    for table in ds.schemas.values():
        fields = []
        for spec in table.fields:
            field = {"name": spec.name, "type": FRICTIONLESS_TYPES[spec.type]}
            if spec.description:
                field["description"] = spec.description
            if spec.unit:
                field["unit"] = spec.unit
            constraints = {
                k: v
                for k, v in {
                    "required": spec.required or None,
                    "enum": list(spec.enum) if spec.enum else None,
                    "pattern": spec.pattern,
                }.items()
                if v is not None
            }
            if spec.type in ("integer", "number", "year"):
                constraints.update(
                    {k: v for k, v in (("minimum", spec.minimum), ("maximum", spec.maximum)) if v is not None}
                )
            if spec.type == "partial_date":
                constraints["pattern"] = r"^\d{4}(-\d{2}(-\d{2})?)?$"
            if spec.type == "list":
                field["description"] = (field.get("description", "") + "（多个值以分号分隔）").strip()
            if constraints:
                field["constraints"] = constraints
            fields.append(field)
        foreign_keys = [
            {"fields": spec.name, "reference": {"resource": spec.reference[0], "fields": spec.reference[1]}}
            for spec in table.fields
            if spec.reference and spec.type != "list"
        ]
        schema = {"fields": fields, "primaryKey": list(table.primary_key)}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": table.file,
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "encoding": "utf-8",
                "sources": [{"title": table.source}],
                "rows": len(ds[table.name]),
                "schema": schema,
            }
        )
    resources += [_indicator_resource(name, frame) for name, frame in indicators.frames().items()]
    report = source_report(ds)
    return {
        "name": "digital-service-export-bases",
        "title": citation["title"],
        "version": str(citation["version"]),
        "edition": ds.edition["edition"],
        "data_date": ds.edition["data_date"],
        "fingerprint": ds.fingerprint,
        "licenses": [{"name": citation["license"], "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": f"{report['author']}《{report['title']}》（{report['date']}）"}],
        "resources": resources,
    }


def write_data_package(ds: Dataset, indicators: Indicators, folder: Path) -> None:
    """Copy the tables, write the indicators, the descriptor and the policy bibliography, touching only
    changed files and removing any file the package no longer has."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {folder / "datapackage.json", folder / "policies.bib"}
    for table in ds.schemas.values():
        wanted.add(folder / table.file)
        write_if_changed(folder / table.file, (ds.data_dir / table.file).read_bytes())
    wanted.update(write_indicators(indicators, folder / INDICATOR_FOLDER))
    write_if_changed(folder / "datapackage.json", json.dumps(descriptor(ds, indicators), ensure_ascii=False, indent=2))
    write_if_changed(folder / "policies.bib", policies_bibtex(ds.policies))
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
