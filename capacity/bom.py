"""BOM spreadsheets: read CSV (UTF-8 with or without BOM, GB18030/GBK) and XLSX, validate every row,
write the template and the export. No database here: the import service applies the clean rows."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

# canonical name -> (English header, Chinese header, label for messages)
COLUMNS = {
    "part_no": ("part_no", "零件编号", gettext_lazy("part number")),
    "name": ("name", "零件名称", gettext_lazy("name")),
    "parent_no": ("parent_no", "上级编号", gettext_lazy("parent number")),
    "quantity": ("quantity", "数量", gettext_lazy("quantity")),
    "material": ("material", "材料", gettext_lazy("material")),
    "length_mm": ("length_mm", "长", gettext_lazy("length")),
    "width_mm": ("width_mm", "宽", gettext_lazy("width")),
    "height_mm": ("height_mm", "高", gettext_lazy("height")),
    "weight_kg": ("weight_kg", "重量", gettext_lazy("weight")),
    "processes": ("processes", "工序", gettext_lazy("processes")),
    "hardness": ("hardness", "硬度", gettext_lazy("hardness")),
    "tolerance_mm": ("tolerance_mm", "公差", gettext_lazy("tolerance")),
    "surface_ra": ("surface_ra", "粗糙度", gettext_lazy("surface roughness")),
    "standard_part": ("standard_part", "标准件", gettext_lazy("standard part")),
    "due_date": ("due_date", "交期", gettext_lazy("due date")),
    "remarks": ("remarks", "备注", gettext_lazy("remarks")),
}
REQUIRED = ("part_no", "name", "quantity")
HEADER_TO_FIELD = {header.lower(): name for name, (en, zh, _label) in COLUMNS.items() for header in (en, zh)}
# column -> (decimal places, largest value the database column holds)
DECIMALS = {"length_mm": (2, Decimal("9999999.99")), "width_mm": (2, Decimal("9999999.99")),
            "height_mm": (2, Decimal("9999999.99")), "weight_kg": (3, Decimal("9999999.999")),
            "tolerance_mm": (4, Decimal("99.9999")), "surface_ra": (3, Decimal("999.999"))}
MAX_QUANTITY = 10_000_000
PROCESS_SEPARATORS = re.compile(r"[;；、,，]")
YES = {"yes", "y", "true", "1", "是", "√"}
NO = {"no", "n", "false", "0", "否", ""}
MAX_ROWS = 20000


class BomFileError(Exception):
    """The file as a whole cannot be read (type, encoding, header)."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class BomRow:
    row: int
    part_no: str
    name: str
    quantity: int
    parent_no: str | None = ""  # None: the file has no parent column, keep the stored parent
    process_ids: list[int] | None = field(default_factory=list)  # None: no processes column, keep the routing
    values: dict = field(default_factory=dict)  # the other Part fields, cleaned


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Rows as (row number in the file, {canonical field: raw text}); the header is row 1."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(_decode(content))))
    else:
        raise BomFileError(_("Upload a .csv or .xlsx file."))
    if not rows:
        raise BomFileError(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    unknown = [h for h in header if h and h not in HEADER_TO_FIELD]
    if unknown:
        raise BomFileError(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    fields = [HEADER_TO_FIELD.get(h) for h in header]
    missing = [COLUMNS[f][1] for f in REQUIRED if f not in fields]
    if missing:
        raise BomFileError(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if len(rows) - 1 > MAX_ROWS:
        raise BomFileError(_("At most %(max)s rows per file.") % {"max": MAX_ROWS})
    table = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {f: _text(cells[i]) if i < len(cells) else "" for i, f in enumerate(fields) if f}
        if any(values.values()):
            table.append((number, values))
    return table


def table_from_rows(rows: list[dict]) -> list[tuple[int, dict[str, str]]]:
    """JSON rows of an ERP as the file reader's table, numbered from 0: a key a row lacks keeps the stored value,
    as a missing column does. `processes` may be a list of codes; `standard_part` a boolean."""
    if len(rows) > MAX_ROWS:
        raise BomFileError(_("At most %(max)s rows per file.") % {"max": MAX_ROWS})
    table = []
    for index, row in enumerate(rows):
        unknown = sorted(key for key in row if key not in COLUMNS)
        if unknown:
            raise BomFileError(_("Unknown fields in row %(row)s: %(fields)s.") % {"row": index, "fields": ", ".join(unknown)})
        values = {}
        for key, value in row.items():
            if value is None:
                values[key] = ""
            elif isinstance(value, bool):
                values[key] = "yes" if value else "no"
            elif isinstance(value, list):
                values[key] = ";".join(str(item).strip() for item in value)
            else:
                values[key] = str(value).strip()
        table.append((index, values))
    return table


FIELD_OF_HEADER = {str(zh): name for name, (_en, zh, _label) in COLUMNS.items()}


def _decode(content: bytes) -> str:
    # Excel in China saves CSV as GBK (GB18030 is its superset); anything else is UTF-8, BOM or not.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BomFileError(_("The file is neither UTF-8 nor GBK/GB18030 text."))


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise BomFileError(_("This is not a readable .xlsx workbook.")) from error
    sheet = workbook.worksheets[0]
    # A compressed workbook can unfold into millions of rows: stop just past the limit.
    return [list(row) for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)]


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def validate(table, *, processes: dict[str, int], existing_parents: dict[str, str | None]) -> tuple[list[BomRow], list[RowError]]:
    """Check every row; return clean rows and every error (row, column, reason).

    `processes` maps process codes and Chinese names to ids; `existing_parents` maps the project's part
    numbers already stored to their parent numbers, so a parent may be an existing part and a cycle
    through stored parts is caught too.
    """
    rows, errors, seen = [], [], {}

    def error(row, column, reason):
        errors.append(RowError(row, str(COLUMNS[column][1]) if column in COLUMNS else column, reason))

    for number, raw in table:
        part_no, name = raw.get("part_no", ""), raw.get("name", "")
        for required in REQUIRED:
            if not raw.get(required):
                error(number, required, _("required"))
        if part_no in seen:
            error(number, "part_no", _("duplicate part number (also in row %(row)s)") % {"row": seen[part_no]})
        elif part_no:
            seen[part_no] = number
        quantity = _positive_int(raw.get("quantity", ""))
        if raw.get("quantity") and (quantity is None or quantity > MAX_QUANTITY):
            error(number, "quantity", _("must be a whole number from 1 to %(max)s") % {"max": MAX_QUANTITY})
        # The file is the truth for the columns it has, an empty cell included; columns it lacks are kept.
        values = {}
        for column, (places, largest) in DECIMALS.items():
            text = raw.get(column, "")
            if column in raw:
                values[column] = _decimal(text, places) if text else None
                if text and (values[column] is None or values[column] > largest):
                    error(number, column, _("“%(value)s” is not a number from 0 to %(max)s")
                          % {"value": text, "max": largest})
        if "due_date" in raw:
            values["due_date"] = _date(raw["due_date"]) if raw["due_date"] else None
            if raw["due_date"] and values["due_date"] is None:
                error(number, "due_date", _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": raw["due_date"]})
        if "standard_part" in raw:
            standard = raw["standard_part"].lower()
            if standard not in YES | NO:
                error(number, "standard_part", _("use yes/no or 是/否"))
            values["standard_part"] = standard in YES
        for column, limit in (("material", 30), ("hardness", 30), ("remarks", 500), ("name", 200), ("part_no", 60)):
            if len(raw.get(column, "")) > limit:
                error(number, column, _("longer than %(limit)s characters") % {"limit": limit})
            elif column in ("material", "hardness", "remarks") and column in raw:
                values[column] = raw[column]
        process_ids = [] if "processes" in raw else None
        for token in filter(None, (t.strip() for t in PROCESS_SEPARATORS.split(raw.get("processes", "")))):
            process_id = processes.get(token) or processes.get(token.upper())
            if process_id is None:
                error(number, "processes", _("unknown process “%(process)s”") % {"process": token})
            else:
                process_ids.append(process_id)
        rows.append(BomRow(row=number, part_no=part_no, name=name, quantity=quantity or 0,
                           parent_no=raw.get("parent_no") if "parent_no" in raw else None,
                           process_ids=process_ids, values=values))

    check_parents(rows, existing_parents, error)
    errors.sort(key=lambda e: e.row)
    return rows, errors


def check_parents(rows, existing_parents, error) -> None:
    """Report a parent that is missing, the part itself, or closes a cycle (also through stored parts)."""
    parents = dict(existing_parents)
    for row in rows:  # every part of the file may be a parent; one without a parent column keeps its stored one
        if row.part_no and row.parent_no is not None:
            parents[row.part_no] = row.parent_no or None
        elif row.part_no:
            parents.setdefault(row.part_no, None)
    for row in rows:
        if not row.parent_no:
            continue
        if row.parent_no == row.part_no:
            error(row.row, "parent_no", _("a part cannot be its own parent"))
        elif row.parent_no not in parents:
            error(row.row, "parent_no", _("parent “%(parent)s” not found") % {"parent": row.parent_no})
        else:
            visited, current = {row.part_no}, row.parent_no
            while current:
                if current in visited:
                    error(row.row, "parent_no", _("cyclic parent chain through “%(part)s”") % {"part": current})
                    break
                visited.add(current)
                current = parents.get(current)


def _positive_int(text: str) -> int | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.to_integral_value() or value <= 0:
        return None
    return int(value)


def _decimal(text: str, places: int) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
        if not value.is_finite() or value < 0 or value > 10**12:
            return None
        return value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        return None


def _date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def write_xlsx(rows: list[dict], *, chinese_headers: bool = True) -> bytes:
    """A workbook with the BOM header row and the given rows (canonical keys); also the blank template."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    names = list(COLUMNS)
    sheet.append([COLUMNS[n][1] if chinese_headers else COLUMNS[n][0] for n in names])
    for row in rows:
        sheet.append([_cell(row.get(n)) for n in names])
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 14 if name != "name" else 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value  # dimensions, not money
