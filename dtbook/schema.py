"""Table schemas, read from the one schema file so code, checks and the data package agree."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "schema.yaml"

FIELD_TYPES = {"string", "text", "url", "integer", "number", "year", "partial_date", "list"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    references: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    description: str | None = None

    @property
    def reference(self) -> tuple[str, str] | None:
        """(table, field) this field points to, if any."""
        if not self.references:
            return None
        table, _, column = self.references.partition(".")
        return table, column


@dataclass(frozen=True)
class TableSchema:
    name: str
    file: str
    title: str
    source: str
    primary_key: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    description: str = ""
    report_sourced: bool = False

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _field(spec: dict) -> FieldSpec:
    if spec["type"] not in FIELD_TYPES:
        raise ValueError(f"schema: unknown type {spec['type']!r} for field {spec['name']!r}")
    return FieldSpec(
        name=spec["name"],
        type=spec["type"],
        required=bool(spec.get("required", False)),
        unique=bool(spec.get("unique", False)),
        enum=tuple(str(v) for v in spec["enum"]) if "enum" in spec else None,
        pattern=spec.get("pattern"),
        references=spec.get("references"),
        minimum=spec.get("min"),
        maximum=spec.get("max"),
        unit=spec.get("unit"),
        description=spec.get("description"),
    )


def load_schemas(path: Path = SCHEMA_FILE) -> dict[str, TableSchema]:
    """All table schemas by table name, in file order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    schemas = {}
    for name, spec in raw["tables"].items():
        flat = []
        for item in spec["fields"]:
            flat.extend(item if isinstance(item, list) else [item])
        key = spec["primary_key"]
        schemas[name] = TableSchema(
            name=name,
            file=spec["file"],
            title=spec["title"],
            source=spec["source"],
            description=spec.get("description", ""),
            primary_key=tuple(key) if isinstance(key, list) else (key,),
            fields=tuple(_field(f) for f in flat),
            report_sourced=bool(spec.get("report_sourced", False)),
        )
    return schemas
