"""What export and import agree on: sheet names, header rows, Chinese column labels, cell formats, and how a
reference is shown in a cell ("code 名称") and read back.

Every data sheet has two header rows, then one record per row: row 1 the Chinese column label (its comment
says what the column holds), row 2 the field name the import reads. Excel row = HEADER_ROWS + data row.
"""

from __future__ import annotations

import re

from ..schema import FieldSpec, TableSchema

HEADER_ROWS = 2
FIELD_ROW = 2  # the row whose cells name the fields; the import reads the columns from it
FIRST_DATA_ROW = HEADER_ROWS + 1
LAST_ROW = 1048576  # Excel's last row: validations and input messages cover every row a user may add
FORMAT_ID = "dtbook-workbook/1"

GUIDE_SHEET = "说明"
CODES_SHEET = "代码表"
META_SHEET = "_meta"
RESERVED_SHEETS = (GUIDE_SHEET, CODES_SHEET, META_SHEET)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31

# Chinese column labels: a field's description is a sentence, the header needs a word or two.
# Per table first, then by field name; what is in neither falls back to the description's first clause.
TABLE_LABELS = {
    ("policies", "title"): "文件名称",
    ("policies", "level"): "发文层级",
    ("policies", "summary"): "内容转述",
    ("measures", "title"): "名称",
    ("measures", "description"): "内容",
    ("taxonomy", "name"): "名称",
    ("taxonomy", "short_name"): "简称",
    ("source_report", "key"): "项目",
    ("source_report", "label"): "名称",
    ("source_report", "value"): "内容",
    ("indicator_settings", "key"): "参数",
    ("indicator_settings", "label"): "中文名称",
    ("indicator_settings", "value"): "取值",
    ("fact_ledger", "key"): "关键词",
    ("fact_ledger", "section_id"): "报告章节",
    ("concepts", "label"): "名称",
    ("concepts", "kind"): "类别",
    ("background_facts", "value"): "数值",
    ("framework_text", "kind"): "类别",
    ("errata", "kind"): "类别",
    ("fact_ledger", "kind"): "类别",
    ("measures", "kind"): "类别",
    ("report_sections", "title"): "标题",
}
FIELD_LABELS = {
    "action": "建议行动",
    "action_id": "行动编号",
    "base_id": "基地",
    "basis": "依据类型",
    "batch": "认定批次",
    "city": "城市",
    "compiler": "编制机构",
    "component": "组成部分",
    "concept_id": "概念编号",
    "data_date": "数据截止时间",
    "date": "日期",
    "decision": "处理",
    "definition": "定义",
    "description": "说明",
    "disclosure": "作者关联",
    "doc_number": "文号",
    "edition": "版次",
    "element_id": "要素",
    "erratum_id": "勘误编号",
    "evidence_id": "证据编号",
    "example": "示例",
    "excludes": "不计入",
    "external_source": "外部来源",
    "extracted": "抽取文本",
    "fact": "事实",
    "fact_id": "事实编号",
    "field": "字段",
    "figure_id": "数据编号",
    "group_id": "层面",
    "growth_pct": "增长率",
    "industry": "产业",
    "issuer": "发文机关",
    "lat": "纬度",
    "level": "层级",
    "level_final": "裁定等级",
    "level_first": "第一次编码等级",
    "level_second": "第二次编码等级",
    "lon": "经度",
    "meaning": "含义",
    "measure_id": "举措编号",
    "metric": "指标",
    "name": "名称",
    "name_en": "英文名称",
    "node_id": "节点编号",
    "note": "备注",
    "note_id": "说明编号",
    "number": "编号",
    "observe": "计为证据的内容",
    "order": "顺序",
    "page": "页码",
    "parent_id": "上级",
    "passage_id": "段落编号",
    "policy_id": "政策编号",
    "positioning": "定位",
    "principle_id": "总则编号",
    "printed": "报告原文",
    "profile": "概述",
    "province": "省份",
    "published": "本书处理",
    "qualifier": "限定词",
    "quote": "报告原文",
    "rationale": "理由",
    "reason": "理由",
    "recognised": "认定时间",
    "region": "地区",
    "relation": "关系",
    "row_id": "行编号",
    "section": "节",
    "section_id": "章节编号",
    "series": "系列",
    "short_name": "简称",
    "shown_in": "展示位置",
    "shows": "证据说明",
    "source": "来源",
    "source_locator": "章节内位置",
    "source_section": "报告章节",
    "statement": "陈述",
    "status": "状态",
    "strength": "强度",
    "strength_1": "强度 1 标准",
    "strength_2": "强度 2 标准",
    "strength_3": "强度 3 标准",
    "summary": "概述",
    "table": "数据表",
    "taxonomy_ids": "表1节点",
    "text": "正文",
    "title": "标题",
    "topic": "主题",
    "unit": "单位",
    "value": "数值",
    "weight": "权重",
    "year": "年份",
}
TYPE_LABELS = {
    "string": "单行文本",
    "text": "文本，可换行",
    "url": "网址",
    "integer": "整数",
    "number": "数值",
    "year": "年份（四位数字）",
    "partial_date": "日期：YYYY、YYYY-MM 或 YYYY-MM-DD（文本，按报告的精度）",
    "list": "列表：多项用 ； 分隔",
}
# How a referenced row is named after its code in a drop-down and in a cell ("T1.2 数字技术贸易").
LABEL_FIELDS = {"report_sections": ("number", "title")}
LABEL_CANDIDATES = ("name", "title", "label")
COLUMN_WIDTHS = {"text": 48, "list": 36, "string": 20, "url": 30, "partial_date": 13, "year": 9}


def sheet_names(schemas: dict[str, TableSchema]) -> dict[str, str]:
    """Table name -> sheet name: the schema's title, made a legal, unique Excel sheet name."""
    names: dict[str, str] = {}
    taken = set(RESERVED_SHEETS)
    for name, table in schemas.items():
        base = SHEET_FORBIDDEN.sub("", table.title).strip("' ")[:SHEET_MAX] or name[:SHEET_MAX]
        candidate, number = base, 2
        while candidate.casefold() in {t.casefold() for t in taken}:
            suffix = f"({number})"
            candidate, number = base[: SHEET_MAX - len(suffix)] + suffix, number + 1
        names[name] = candidate
        taken.add(candidate)
    return names


def column_label(table: TableSchema, spec: FieldSpec) -> str:
    """The Chinese header of a column."""
    label = TABLE_LABELS.get((table.name, spec.name)) or FIELD_LABELS.get(spec.name)
    if not label and spec.description:
        label = re.split(r"[；;，,（(：:]", spec.description, maxsplit=1)[0].strip()[:12]
    return label or spec.name


def column_labels(table: TableSchema, columns: list[str]) -> dict[str, str]:
    """Field name -> Chinese header for the sheet's columns, unique within the sheet."""
    labels: dict[str, str] = {}
    for column in columns:
        label = column_label(table, table.field(column)) if column in table.columns else column
        labels[column] = label if label not in labels.values() else f"{label}（{column}）"
    return labels


def label_fields(table: TableSchema) -> tuple[str, ...]:
    if table.name in LABEL_FIELDS:
        return LABEL_FIELDS[table.name]
    return next(((name,) for name in LABEL_CANDIDATES if name in table.columns), ())


def display(code: str, label: str) -> str:
    """A referenced row as the drop-down and the cell show it: its code, a space, its name on one line."""
    label = " ".join(label.split())
    return f"{code} {label}" if label else code


def number_format(spec: FieldSpec, decimals: int = 0) -> str:
    """The cell format a column's type asks for: text stays text (dates included), numbers show as typed."""
    if spec.type in ("integer", "year"):
        return "0"
    if spec.type == "number":
        return "0." + "0" * decimals if decimals else "General"
    return "@"


def format_decimals(fmt: str | None) -> int:
    """Decimal places a number format shows ("0.00" -> 2, "#,##0.0" -> 1, "General" -> 0)."""
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", (fmt or "").split(";")[0])
    if "." not in section:
        return 0
    return len(re.match(r"[0#?]*", section.split(".", 1)[1]).group())


def number_text(value: int | float, decimals: int = 0) -> str:
    """A number cell as CSV text: what Excel shows at full precision (15 significant digits), never rounded to
    the format, but padded with the zeros the format shows (118.1 in a "0.00" cell is 118.10)."""
    if isinstance(value, bool):
        raise TypeError("a logical value is not a number")
    if isinstance(value, int):
        text = str(value)
    else:
        value = float(f"{value:.15g}")
        text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if decimals and "e" not in text.lower():
        whole, _, fraction = text.partition(".")
        if len(fraction) < decimals:
            text = f"{whole}.{fraction.ljust(decimals, '0')}"
    return text


PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.(\d+))?")
PLAIN_INTEGER = re.compile(r"-?(?:0|[1-9]\d*)")


def as_number(text: str, spec: FieldSpec) -> tuple[int | float, int] | None:
    """(value, decimals) to store a CSV cell as an Excel number, only where reading it back gives the same text;
    anything else ("1,200", "007", full-width digits, 1e5) stays text and is read back as written."""
    if spec.type in ("integer", "year"):
        if PLAIN_INTEGER.fullmatch(text) and len(text.lstrip("-")) <= 15:
            return int(text), 0
        return None
    if spec.type != "number":
        return None
    match = PLAIN_DECIMAL.fullmatch(text)
    if not match or len(text.replace("-", "").replace(".", "").lstrip("0")) > 15:
        return None
    decimals = len(match.group(1) or "")
    value: int | float = float(text) if decimals else int(text)
    return (value, decimals) if number_text(value, decimals) == text else None


def cell_escape(text: str) -> str:
    """Excel writes a carriage return inside a cell as _x000D_ (XML would turn it into a line feed)."""
    return text.replace("\r", "_x000D_")


def cell_unescape(text: str) -> str:
    return text.replace("_x000D_", "\r")
