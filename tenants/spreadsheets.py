"""Spreadsheets we hand out, written formula-safe (CSV and XLSX alike).

A text cell that starts with = + - @, a tab or a carriage return is one Excel or WPS may evaluate as a formula
(`=HYPERLINK(...)` leaking what is beside it, `=cmd|' /C calc'!A0` running a program: CSV injection). Such text is
written so that no spreadsheet evaluates it: in CSV behind an apostrophe, as OWASP advises; in XLSX as a string
cell (never a formula) with Excel's quote prefix, so it stays text even when the cell is edited. Numbers stay
numbers: a negative price is a number, not text starting with "-".
"""

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it


def formula_text(value) -> bool:
    """Whether `value` is text a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """One CSV cell: text that could be a formula behind an apostrophe; anything else as it is."""
    if value is None:
        return ""
    if formula_text(value):
        return "'" + value
    return value


def csv_bytes(header: list, rows) -> bytes:
    """A CSV file in UTF-8 with a BOM (for Excel), lines ending CRLF, every cell formula-safe."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet, value, *, bold=False):
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # openpyxl refuses aware times; callers pass local times
    if not bold and not formula_text(value):
        return value  # a plain value: a cell object each would make a large sheet several times slower
    cell = WriteOnlyCell(sheet, value=value)
    if formula_text(value):
        cell.data_type = "s"  # a string cell, never a formula (<f>), whatever it starts with
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(header: list, rows, *, title: str) -> bytes:
    """An XLSX workbook of one sheet: the header in bold, then the rows; every text cell formula-safe."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet")[:31].translate(str.maketrans("[]:*?/\\", "_______")))
    sheet.append([_xlsx_cell(sheet, value, bold=True) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

