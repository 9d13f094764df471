"""Table schemas, read from the one schema file so code, checks and the data package agree.

The schema ships with the code: a data folder only holds the tables, so it cannot loosen its own checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.yaml"

FIELD_TYPES = {"string", "text", "url", "integer", "number", "year", "partial_date", "list"}
RANGED_TYPES = {"integer", "number", "year", "partial_date"}
FIELD_KEYS = {
    "name",
    "type",
    "required",
    "unique",
    "enum",
    "pattern",
    "references",
    "min",
    "max",
    "warn_min",
    "warn_max",
    "not_after",
    "unit",
    "description",
}


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
    warn_min: float | None = None
    warn_max: float | None = None
    not_after: str | None = None
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


def _bound(spec: dict, key: str) -> float | None:
    """A numeric bound as written (YAML reads 1.0e9 as text, so a string is a schema error, not a silent no-op)."""
    value = spec.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"schema: {key} of field {spec['name']!r} must be a number, not {value!r}")
    return value


def _field(spec: dict) -> FieldSpec:
    """One field; a misspelt keyword or a bound on the wrong type fails loudly instead of checking nothing."""
    name, kind = spec["name"], spec["type"]
    if kind not in FIELD_TYPES:
        raise ValueError(f"schema: unknown type {kind!r} for field {name!r}")
    if unknown := set(spec) - FIELD_KEYS:
        raise ValueError(f"schema: unknown keys {sorted(unknown)} for field {name!r}")
    if kind not in RANGED_TYPES and {"min", "max", "warn_min", "warn_max"} & set(spec):
        raise ValueError(f"schema: field {name!r} of type {kind} cannot have min/max")
    if "not_after" in spec and (kind not in {"year", "partial_date"} or "." not in spec["not_after"]):
        raise ValueError(f"schema: not_after of {name!r} needs a year or partial_date field and a table.field")
    return FieldSpec(
        name=name,
        type=kind,
        required=bool(spec.get("required", False)),
        unique=bool(spec.get("unique", False)),
        enum=tuple(str(v) for v in spec["enum"]) if "enum" in spec else None,
        pattern=spec.get("pattern"),
        references=spec.get("references"),
        minimum=_bound(spec, "min"),
        maximum=_bound(spec, "max"),
        warn_min=_bound(spec, "warn_min"),
        warn_max=_bound(spec, "warn_max"),
        not_after=spec.get("not_after"),
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
    for table in schemas.values():
        for spec in table.fields:
            target, _, column = (spec.not_after or "").partition(".")
            if spec.not_after and (target not in schemas or column not in schemas[target].columns):
                raise ValueError(f"schema: not_after of {table.name}.{spec.name} names no field: {spec.not_after!r}")
    return schemas
