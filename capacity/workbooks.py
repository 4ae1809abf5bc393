"""Spreadsheets the capacity API hands out (the BOM ones are capacity.bom's)."""

import io
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from capacity.selectors.rfqs import Comparison

MONEY_FORMAT = "#,##0.00"


def comparison_workbook(table: Comparison) -> bytes:
    """The unsealed comparison: one row per line, three columns per supplier (unit price, amount, lead
    time); the lowest price is filled green, the shortest lead time bold; totals, rating and on-time rate
    below."""
    assert not table.sealed, "a sealed comparison has no prices to write"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Comparison")[:31]
    lowest_fill = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
    bold = Font(bold=True)

    sheet.append([f"{table.rfq.number} {table.rfq.title}"])
    sheet["A1"].font = bold
    fixed = [capfirst(_("row")), capfirst(_("part number")), _("Name"), _("Process"), capfirst(_("quantity"))]
    header = list(fixed)
    for supplier in table.suppliers:
        name = supplier.short_name or supplier.legal_name
        header += [f"{name} {_('unit price')}", f"{name} {_('amount')}", f"{name} {_('lead time (days)')}"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = bold

    for line, cells in table.rows():
        row = [line.line_no, line.part.part_no, line.part.name,
               line.operation.process.code if line.operation_id else "", line.quantity]
        for _supplier, quote_line in cells:
            if quote_line is None:
                row += [None, None, None]
            else:
                row += [quote_line.unit_price, quote_line.unit_price * line.quantity, quote_line.lead_time_days]
        sheet.append(row)
        excel_row = sheet.max_row
        for index, (supplier, quote_line) in enumerate(cells):
            if quote_line is None:
                continue
            first = len(fixed) + 3 * index + 1
            for column in (first, first + 1):
                sheet.cell(excel_row, column).number_format = MONEY_FORMAT
            if table.lowest.get(line.pk) == supplier.pk:
                sheet.cell(excel_row, first).fill = lowest_fill
            if table.fastest.get(line.pk) == supplier.pk:
                sheet.cell(excel_row, first + 2).font = bold

    def summary(label, values, number_format=None):
        row = [label, None, None, None, None]
        for value in values:
            row += [None, value, None]
        sheet.append(row)
        sheet.cell(sheet.max_row, 1).font = bold
        if number_format:
            for index in range(len(values)):
                sheet.cell(sheet.max_row, len(fixed) + 3 * index + 2).number_format = number_format

    summary(capfirst(_("total")), [table.totals.get(s.pk, Decimal(0)) for s in table.suppliers], MONEY_FORMAT)
    summary(capfirst(_("rating")), [getattr(table.profiles.get(s.pk), "rating", None) for s in table.suppliers])
    summary(capfirst(_("on-time rate")),
            [getattr(table.profiles.get(s.pk), "on_time_rate", None) for s in table.suppliers], "0.0%")

    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 28 if column == 3 else 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
