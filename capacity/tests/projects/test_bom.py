"""BOM import: encodings, both header languages, every kind of bad row, all-or-nothing, idempotent."""

import pytest

from capacity import bom
from capacity.models import Operation, Part
from capacity.selectors.projects import bom_rows
from capacity.services import projects
from tenants.context import brain_context
from tenants.errors import DomainError

GOOD_CN = """零件编号,零件名称,上级编号,数量,材料,长,宽,高,重量,工序,硬度,公差,粗糙度,标准件,交期,备注
ASM-01,定模组件,,1,,,,,,,,,,否,,
CAV-01,型腔镶件,ASM-01,1,718H,600,400,180,330.5,CNC；HT、抛光,HRC33-37,0.01,0.4,否,2026-12-20,镜面
GP-01,导柱,ASM-01,4,SUJ2,300,40,40,,磨削,HRC58-62,0.005,0.2,是,2026/12/10,
"""


def rows_of(project):
    with brain_context(project.brain_id):
        return {p.part_no: p for p in Part.objects.in_brain(project.brain_id).filter(project=project)
                .select_related("parent")}


def routing(part):
    with brain_context(part.brain_id):
        return list(Operation.objects.in_brain(part.brain_id).filter(part=part).values_list("process__code", flat=True))


@pytest.fixture
def catalogue(mould):
    from tenants.models import Process

    with brain_context(mould.pk):
        Process.objects.create(brain=mould, code="POLISH", name_zh="抛光", name_en="Polishing", sort_order=5)
        Process.objects.create(brain=mould, code="GRIND", name_zh="磨削", name_en="Grinding", sort_order=6)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_imports_a_chinese_csv_in_every_encoding_excel_uses(project, alice, catalogue, encoding):
    report = projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(encoding), filename="bom.csv")
    assert report.ok and (report.created, report.updated) == (3, 0)
    parts = rows_of(project)
    cavity = parts["CAV-01"]
    assert cavity.parent.part_no == "ASM-01" and str(cavity.length_mm) == "600.00" and cavity.hardness == "HRC33-37"
    assert routing(cavity) == ["CNC", "HT", "POLISH"]
    assert parts["GP-01"].standard_part and parts["GP-01"].due_date.isoformat() == "2026-12-10"


def test_it_reads_english_headers_and_xlsx(project, alice, catalogue):
    rows = [{"part_no": "CAV-01", "name": "Cavity insert", "quantity": 1, "processes": "CNC;HT", "material": "NAK80"}]
    content = bom.write_xlsx(rows, chinese_headers=False)
    report = projects.bom_import(project=project, by=alice, content=content, filename="BOM.XLSX")
    assert report.ok and routing(rows_of(project)["CAV-01"]) == ["CNC", "HT"]


def test_reimporting_the_same_file_changes_nothing(project, alice, catalogue):
    projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(), filename="bom.csv")
    before = {no: (p.pk, [o for o in routing(p)]) for no, p in rows_of(project).items()}
    with brain_context(project.brain_id):
        operation_ids = set(Operation.objects.values_list("pk", flat=True))
    report = projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(), filename="bom.csv")
    assert (report.created, report.updated) == (0, 0)
    assert {no: (p.pk, routing(p)) for no, p in rows_of(project).items()} == before
    with brain_context(project.brain_id):
        assert set(Operation.objects.values_list("pk", flat=True)) == operation_ids


def test_a_changed_row_is_updated_in_place(project, alice, catalogue):
    projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(), filename="bom.csv")
    changed = GOOD_CN.replace("GP-01,导柱,ASM-01,4", "GP-01,导柱,ASM-01,6")
    report = projects.bom_import(project=project, by=alice, content=changed.encode(), filename="bom.csv")
    assert (report.created, report.updated) == (0, 1) and rows_of(project)["GP-01"].quantity == 6


BAD = """part_no,name,parent_no,quantity,processes,length_mm,due_date,standard_part
A,ok,,1,CNC,,,
A,duplicate,,1,,,,
B,,,1,,,,
C,zero,,0,,,,
D,bad number,,1,,abc,,
E,bad date,,1,,,2026-13-40,
F,bad process,,1,CNC;镗铣,,,
G,orphan,NOPE,1,,,,
H,loop1,I,1,,,,
I,loop2,H,1,,,,
J,self,J,1,,,,
K,bad flag,,1,,,,maybe
L,fraction,,1.5,,,,
"""


def test_every_bad_row_is_reported_and_nothing_lands(project, alice):
    report = projects.bom_import(project=project, by=alice, content=BAD.encode(), filename="bad.csv")
    problems = {(e.row, e.column) for e in report.errors}
    assert {
        (3, "零件编号"),  # duplicate part number
        (4, "零件名称"),  # missing name
        (5, "数量"),  # zero
        (6, "长"),  # not a number
        (7, "交期"),  # impossible date
        (8, "工序"),  # unknown process
        (9, "上级编号"),  # parent not found
        (10, "上级编号"), (11, "上级编号"),  # cycle
        (12, "上级编号"),  # own parent
        (13, "标准件"),
        (14, "数量"),  # 1.5 is not a whole number
    } <= problems
    assert all(e.reason for e in report.errors)
    assert "镗铣" in next(e.reason for e in report.errors if e.row == 8)
    assert rows_of(project) == {}


def test_a_cycle_through_stored_parts_is_caught(project, alice):
    projects.bom_import(project=project, by=alice, content=b"part_no,name,parent_no,quantity\nP,p,,1\nQ,q,P,1\n",
                        filename="a.csv")
    report = projects.bom_import(project=project, by=alice, content=b"part_no,name,parent_no,quantity\nP,p,Q,1\n",
                                 filename="b.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "上级编号")]


@pytest.mark.parametrize("content, filename, message", [
    (b"part_no,name\nA,a\n", "x.csv", "数量"),
    (b"part_no,name,quantity,colour\nA,a,1,red\n", "x.csv", "colour"),
    (b"", "x.csv", ""),
    (b"PK\x03\x04 not really a workbook", "x.xlsx", ""),
    (b"part_no,name,quantity\n", "x.txt", ""),
    (bytes([0xff, 0xfe, 0x00, 0xd8, 0x81]), "x.csv", ""),
])
def test_an_unreadable_file_is_a_clear_error(project, alice, content, filename, message):
    with pytest.raises(DomainError) as error:
        projects.bom_import(project=project, by=alice, content=content, filename=filename)
    assert error.value.code == "invalid_file" and message in error.value.detail


def test_export_round_trips(project, alice, catalogue):
    projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(), filename="bom.csv")
    with brain_context(project.brain_id):
        exported = bom.write_xlsx(bom_rows(project=project))
    table = dict((raw["part_no"], raw) for _n, raw in bom.read_table(exported, "export.xlsx"))
    assert table["CAV-01"]["processes"] == "CNC;HT;POLISH" and table["CAV-01"]["parent_no"] == "ASM-01"
    report = projects.bom_import(project=project, by=alice, content=exported, filename="export.xlsx")
    assert report.ok and (report.created, report.updated) == (0, 0)


def test_only_the_projects_buyer_imports(project, shop_a, charlie):
    for user in (shop_a, charlie):
        with pytest.raises(DomainError):
            projects.bom_import(project=project, by=user, content=GOOD_CN.encode(), filename="bom.csv")


def test_a_tendered_operation_keeps_its_routing(project, alice, catalogue, in_brain):
    from datetime import timedelta

    from django.utils import timezone

    from capacity.services import rfqs

    projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(), filename="bom.csv")
    cavity = rows_of(project)["CAV-01"]
    with in_brain(project.brain):
        heat = cavity.operations.get(process__code="HT")
    rfqs.rfq_create(project=project, by=alice, title="热处理", deadline=timezone.now() + timedelta(days=1),
                    lines=[{"part": cavity.pk, "operation": heat.pk}])
    changed = GOOD_CN.replace("CNC；HT、抛光", "CNC；抛光")
    with pytest.raises(DomainError) as error:
        projects.bom_import(project=project, by=alice, content=changed.encode(), filename="bom.csv")
    assert error.value.code == "in_use" and "CAV-01" in error.value.detail
    assert routing(rows_of(project)["CAV-01"]) == ["CNC", "HT", "POLISH"]


@pytest.mark.parametrize("column, value", [
    ("quantity", "3000000000"), ("quantity", "Infinity"), ("quantity", "NaN"),
    ("length_mm", "123456789"), ("length_mm", "1e40"), ("length_mm", "-Infinity"), ("tolerance_mm", "150"),
])
def test_numbers_out_of_range_are_row_errors_not_crashes(project, alice, column, value):
    content = f"part_no,name,quantity,{column}\nA,a,1,{value}\n" if column != "quantity" else \
        f"part_no,name,quantity\nA,a,{value}\n"
    report = projects.bom_import(project=project, by=alice, content=content.encode(), filename="x.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, bom.COLUMNS[column][1])]


def test_a_file_without_some_columns_keeps_what_they_would_say(project, alice, catalogue):
    projects.bom_import(project=project, by=alice, content=GOOD_CN.encode(), filename="bom.csv")
    report = projects.bom_import(project=project, by=alice, content="零件编号,零件名称,数量\nCAV-01,型腔镶件,2\n".encode(),
                                 filename="qty.csv")
    cavity = rows_of(project)["CAV-01"]
    assert report.ok and cavity.quantity == 2
    assert cavity.material == "718H" and cavity.parent.part_no == "ASM-01" and routing(cavity) == ["CNC", "HT", "POLISH"]
    cleared = projects.bom_import(project=project, by=alice,
                                  content="零件编号,零件名称,数量,材料,长\nCAV-01,型腔镶件,2,,\n".encode(), filename="c.csv")
    cavity = rows_of(project)["CAV-01"]
    assert cleared.ok and cavity.material == "" and cavity.length_mm is None  # present but empty: cleared
