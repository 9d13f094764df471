"""The data published beside the site: every table as CSV with a Frictionless-style descriptor."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .citation import policies_bibtex, read_citation
from .load import Dataset

FRICTIONLESS_TYPES = {"string": "string", "text": "string", "url": "string", "integer": "integer", "number": "number",
                      "year": "year", "partial_date": "string", "list": "string"}


def descriptor(ds: Dataset) -> dict:
    """datapackage.json content: schemas with units, allowed values, keys, and each table's source."""
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
            constraints = {k: v for k, v in {"required": spec.required or None, "enum": list(spec.enum) if spec.enum else None,
                                              "pattern": spec.pattern, "minimum": spec.minimum,
                                              "maximum": spec.maximum}.items() if v is not None}
            if spec.type == "partial_date":
                constraints["pattern"] = r"^\d{4}(-\d{2}(-\d{2})?)?$"
            if spec.type == "list":
                field["description"] = (field.get("description", "") + "（多个值以分号分隔）").strip()
            if constraints:
                field["constraints"] = constraints
            fields.append(field)
        foreign_keys = [{"fields": spec.name, "reference": {"resource": spec.reference[0], "fields": spec.reference[1]}}
                        for spec in table.fields if spec.reference and spec.type != "list"]
        schema = {"fields": fields, "primaryKey": list(table.primary_key)}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append({"name": table.name, "path": table.file, "title": table.title, "description": table.description,
                          "format": "csv", "encoding": "utf-8", "sources": [{"title": table.source}],
                          "rows": len(ds[table.name]), "schema": schema})
    report = ds.source_report.set_index("key")["value"]
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


def write_data_package(ds: Dataset, folder: Path) -> None:
    """Copy the tables and write the descriptor and the policy bibliography, touching only changed files."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {"datapackage.json", "policies.bib"}
    for table in ds.schemas.values():
        wanted.add(table.file)
        source, target = ds.data_dir / table.file, folder / table.file
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    _write(folder / "datapackage.json", json.dumps(descriptor(ds), ensure_ascii=False, indent=2))
    _write(folder / "policies.bib", policies_bibtex(ds.policies))
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
