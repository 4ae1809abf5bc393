"""Capacity-sharing demo in the mould brain: the reference story of DESIGN.md, ready to click through.

- a supplier profile (machines, materials, free hours per process) for every supplier member;
- the buyer's headline project M-2026-018 空调挂机支架模具 for 奥克斯空调: a 200+ row part tree built as
  a BOM workbook and imported through `bom_import`, as a buyer would;
- three RFQs on it: one awarded weeks ago (with purchase orders), one closed with 4 suppliers' quotes
  waiting for the buyer's comparison and award, one open for 3 more days (heat treatment of 40 inserts
  as single operations, plus ejector pins) with matching run and two quotes in;
- production of the awarded lines: the work orders accepted, progress reported per operation (done, in
  progress, blocked, silent for days, late, planned after its due date), a change request waiting for the
  buyer, deliveries inspected (one with rework), one work order completed and rated; mould trial T1 booked.

Everything goes through the services. Direct writes are limited to what no service can express: the
estimated hours of operations (the BOM format has no column for them) and demo history, i.e. moving
deadlines, submissions, awards and the project's creation into the past, as capacity/tests/conftest.py
`past_deadline` does.

Idempotent by natural keys: users by username, profiles by (brain, enterprise), the project by
(brain, buyer, code), its parts by part number, RFQs by (project, title). A second run changes nothing.
Deterministic: a fixed seed; only dates move with the day the demo is loaded.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from math import ceil, pi

from django.db import transaction
from django.utils import timezone

from capacity import bom
from capacity.models import (
    Award, DeliveryLine, MouldTrial, Operation, Part, ProgressReport, Project, PurchaseOrder, Quote,
    QuoteLine, Rfq, RfqLine, SupplierProfile, WorkOrder, WorkOrderLine,
)
from capacity.services import (
    awards, change_requests, deliveries, matching, profiles, projects, ratings, rfqs, trials, work_orders,
)
from tenants import demo as tenants_demo
from tenants.context import brain_context
from tenants.models import Enterprise, User

BRAIN = "mould"
PROJECT_CODE = "M-2026-018"
SEED = 2026_018
STEEL = 7.85e-6  # kg per mm³
BRASS = 8.5e-6

AWARDED_TITLE = "模架配件、斜导柱及铲鸡外协加工（第一批）"
CLOSED_TITLE = "型腔型芯镶件及模板外协加工"
OPEN_TITLE = "镶件真空热处理及顶针加工"


# --- Suppliers ---------------------------------------------------------------------------------

def _machine(process, machine_type, brand, model, count, x, y, z, kg, tol):
    return {"process": process, "machine_type": machine_type, "brand": brand, "model": model, "count": count,
            "envelope_x_mm": x, "envelope_y_mm": y, "envelope_z_mm": z,
            "max_weight_kg": Decimal(kg), "tolerance_mm": Decimal(tol)}


# Matching compares a part's (finish) tolerance with the machines of every process it needs, so the
# profiles list the precision machines of each process (no band saws or radial drills), and furnaces
# carry the distortion they hold on a small insert.
SUPPLIERS = {
    # enterprise index in tenants.demo.ENTERPRISES -> profile
    1: {  # 浙江黄岩凯华模具有限公司: a mould maker selling its spare EDM/wire/CNC hours
        "summary": "自有模具厂，富余高速CNC、电火花、慢走丝产能，对外承接精密镶件加工与试模",
        "materials": ["P20", "718H", "NAK80", "S136", "H13", "SKD61", "SKD11"],
        "certifications": ["ISO 9001:2015", "IATF 16949:2016"],
        "capacities": {"CNC": 30, "DEEP": 10, "EDM": 40, "WEDM": 35, "GRIND": 20, "POLISH": 20, "ASSY": 16,
                       "TRIAL": 8},
        "machines": [
            _machine("CNC", "高速加工中心", "牧野", "V56i", 2, 900, 500, 450, "1200", "0.003"),
            _machine("CNC", "五轴加工中心", "DMG MORI", "DMU 65 monoBLOCK", 1, 735, 650, 560, "600", "0.005"),
            _machine("DEEP", "深孔钻", "台湾", "枪钻 GD-1000", 1, 1000, 600, 600, "1500", "0.02"),
            _machine("EDM", "电火花成型机", "沙迪克", "AG60L", 2, 600, 420, 370, "1500", "0.005"),
            _machine("WEDM", "慢走丝线切割", "Sodick", "AG600L", 1, 600, 400, 350, "800", "0.003"),
            _machine("GRIND", "平面磨床", "冈本", "PSG-106DX", 1, 1000, 600, 500, "1000", "0.002"),
        ],
    },
    2: {  # 台州市黄岩宏达精密机械加工厂 (user 'supplier')
        "summary": "精密机加工：MAZAK立加群、龙门加工中心、深孔钻、大水磨，承接模板与镶件粗精加工",
        "materials": ["45#", "P20", "718H", "NAK80", "S136", "H13", "SKD61", "SKD11", "Cr12MoV"],
        "certifications": ["ISO 9001:2015"],
        "capacities": {"CUT": 40, "TURN": 20, "CNC": 40, "DRILL": 30, "DEEP": 24, "GRIND": 30},
        "machines": [
            _machine("TURN", "数控车床", "程泰", "GLS-2800", 2, 600, 560, 560, "300", "0.01"),
            _machine("CNC", "立式加工中心", "MAZAK", "VCN-530C", 4, 1050, 530, 510, "500", "0.01"),
            _machine("CNC", "龙门加工中心", "亚崴", "LP-2021", 1, 2100, 2000, 800, "6000", "0.015"),
            _machine("DEEP", "深孔钻", "台湾", "枪钻 GD-1500", 1, 1500, 1000, 800, "3000", "0.02"),
            _machine("GRIND", "龙门平面磨床", "冈本", "PSG-2010", 1, 2000, 1000, 600, "5000", "0.005"),
            _machine("GRIND", "平面磨床", "冈本", "ACC-63DX", 2, 600, 300, 400, "300", "0.002"),
        ],
    },
    3: {  # 黄岩永盛数控加工有限公司
        "summary": "数控加工：DMG立加、高峰龙门、建德大水磨，模架板材与结构件批量加工",
        "materials": ["45#", "P20", "718H", "NAK80", "S136", "H13", "SKD61", "Cr12MoV"],
        "certifications": ["ISO 9001:2015"],
        "capacities": {"CUT": 40, "TURN": 30, "CNC": 80, "DRILL": 40, "DEEP": 16, "GRIND": 24},
        "machines": [
            _machine("TURN", "数控车床", "程泰", "GA-2600", 2, 500, 400, 400, "200", "0.01"),
            _machine("CNC", "立式加工中心", "DMG MORI", "CMX 1100 V", 3, 1100, 560, 510, "1000", "0.008"),
            _machine("CNC", "龙门加工中心", "高峰", "KMC-3000SV", 1, 3000, 2200, 900, "8000", "0.02"),
            _machine("DEEP", "深孔钻", "台湾", "枪钻 GD-2000", 1, 2000, 1200, 800, "4000", "0.02"),
            _machine("GRIND", "大水磨", "建德", "FSG-3A1640", 1, 1600, 1000, 600, "3000", "0.005"),
        ],
    },
    4: {  # 台州市黄岩鑫达线切割加工厂
        "summary": "慢走丝、中走丝、电火花成型：精密镶件、斜顶、滑块镶件，24小时两班",
        "materials": ["S136", "H13", "SKD61", "SKD11", "Cr12MoV", "718H", "NAK80", "P20"],
        "certifications": [],
        "capacities": {"WEDM": 60, "EDM": 45, "DRILL": 10},
        "machines": [
            _machine("WEDM", "慢走丝线切割", "Sodick", "AG600L", 2, 600, 400, 350, "800", "0.003"),
            _machine("WEDM", "慢走丝线切割", "三菱", "MV2400R", 1, 600, 400, 310, "1500", "0.003"),
            _machine("WEDM", "中走丝线切割", "苏州三光", "DK7740", 6, 500, 400, 400, "400", "0.01"),
            _machine("EDM", "电火花成型机", "沙迪克", "AG60L", 2, 600, 420, 370, "1500", "0.005"),
            _machine("EDM", "电火花成型机", "沙迪克", "AQ35L", 2, 350, 250, 250, "550", "0.005"),
        ],
    },
    5: {  # 浙江恒通热处理有限公司 (user 'supplier2')
        "summary": "真空高压气淬、多次回火、离子氮化、深冷处理；模具钢全系列，硬度检测报告随货",
        "materials": ["S136", "H13", "SKD61", "SKD11", "Cr12MoV", "SUJ2", "718H", "NAK80", "P20", "45#"],
        "certifications": ["ISO 9001:2015", "CNAS 硬度检测"],
        "capacities": {"HT": 160, "NITR": 80},
        "machines": [
            _machine("HT", "真空热处理炉", "易普森", "VTTC524-R", 2, 900, 600, 600, "800", "0.01"),
            _machine("HT", "真空热处理炉", "北京华翔", "HZQL-669", 1, 900, 600, 600, "600", "0.01"),
            _machine("NITR", "离子氮化炉", "武汉华材", "LDMC-100", 1, 1500, 1000, 1000, "2000", "0.01"),
        ],
    },
    6: {  # 台州市黄岩美嘉抛光蚀纹有限公司
        "summary": "镜面抛光（Ra0.05）、皮纹/蚀纹（MT纹号齐全）、喷砂，外观件模具表面处理",
        "materials": [],  # any steel
        "certifications": [],
        "capacities": {"POLISH": 120, "TEXT": 60},
        "machines": [],
    },
    8: {  # 台州市路桥明辉模具配件有限公司
        "summary": "顶针、司筒、导柱导套、斜导柱等标准与非标配件；车磨、真空淬火与氮化一条龙",
        "materials": ["SKD61", "SUJ2", "H13", "SKD11", "Cr12MoV", "45#", "P20", "S136"],
        "certifications": ["ISO 9001:2015"],
        "capacities": {"CUT": 30, "TURN": 60, "CNC": 20, "DRILL": 20, "GRIND": 50, "HT": 40, "NITR": 40},
        "machines": [
            _machine("TURN", "数控车床", "程泰", "GA-2000", 4, 600, 300, 300, "200", "0.005"),
            _machine("CNC", "龙门加工中心", "乔福", "DMC-2100", 1, 2100, 1300, 800, "5000", "0.02"),
            _machine("GRIND", "外圆磨床", "冈本", "OGM-250UEX", 2, 500, 250, 250, "150", "0.002"),
            _machine("GRIND", "平面磨床", "冈本", "PSG-126DX", 1, 1200, 600, 500, "1000", "0.003"),
            _machine("HT", "真空热处理炉", "北京华翔", "VHQ-446", 1, 600, 400, 400, "300", "0.01"),
            _machine("NITR", "离子氮化炉", "武汉华材", "LDMC-30", 1, 800, 600, 600, "500", "0.01"),
        ],
    },
}

SUPPLIER_USER_NAMES = {1: "郑国华", 3: "徐永盛", 4: "蒋鑫达", 6: "林美嘉", 8: "朱明辉"}


def _enterprise(index: int) -> Enterprise:
    name, region, _roles = tenants_demo.ENTERPRISES[index]
    return Enterprise.objects.get(credit_code=tenants_demo.demo_credit_code(index + 1, region))


def _supplier_users(users: dict) -> dict[int, User]:
    """One user with the supplier role per supplier enterprise: the demo's own, or sup<index>."""
    by_index = {index: users[username] for username, _n, _m, index, _r, _x in tenants_demo.USERS
                if index is not None and username in users}
    found = {}
    for index, (_name, _region, roles) in enumerate(tenants_demo.ENTERPRISES):
        if "supplier" not in roles.get(BRAIN, []):
            continue
        if index in by_index:
            found[index] = by_index[index]
            continue
        username = f"sup{index}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=SUPPLIER_USER_NAMES.get(index, username),
                        mobile=f"138000001{index:02d}", enterprise=_enterprise(index), enterprise_role="admin")
            user.set_password(tenants_demo.PASSWORD)
            user.save()
        found[index] = user
    return found


def _profiles(brain, suppliers: dict[int, User]) -> None:
    for index, user in suppliers.items():
        spec = SUPPLIERS.get(index)
        if spec is None:
            continue
        with brain_context(brain.pk):
            if SupplierProfile.objects.in_brain(brain).filter(enterprise_id=user.enterprise_id).exists():
                continue  # kept as it is: the supplier may have edited it
        profiles.profile_save(
            brain=brain, by=user, summary=spec["summary"], materials=spec["materials"],
            certifications=spec["certifications"],
            capacities=[{"process": code, "weekly_free_hours": Decimal(hours)}
                        for code, hours in spec["capacities"].items()],
            machines=spec["machines"],
        )


# --- The part tree -------------------------------------------------------------------------------

MATERIAL_PRICE = {  # CNY per kg of stock, Huangyan market
    "45#": 6.5, "P20": 16, "718H": 28, "NAK80": 45, "S136": 48, "H13": 26, "SKD61": 38, "SKD11": 30,
    "Cr12MoV": 14, "SUJ2": 9, "H62": 55,
}
HOUR_RATE = {"CUT": 45, "TURN": 65, "CNC": 110, "DRILL": 50, "DEEP": 85, "WEDM": 75, "EDM": 70, "GRIND": 65,
             "POLISH": 90, "TEXT": 120, "ASSY": 80, "TRIAL": 250}
PER_KG = {"HT": (16, 30), "NITR": (12, 20)}  # heat treatment is charged by weight: (CNY/kg, minimum)
HARDNESS = {"45#": "HB170-220", "P20": "HRC28-32（预硬）", "718H": "HRC33-37（预硬）", "NAK80": "HRC37-43（预硬）",
            "S136": "HRC48-52", "H13": "HRC48-52", "SKD61": "HRC48-52", "SKD11": "HRC58-60",
            "Cr12MoV": "HRC58-60", "SUJ2": "HRC58-62"}
INSERT_MATERIALS = ["S136", "H13", "S136", "SKD61", "H13", "S136", "NAK80", "SKD61", "H13", "SKD11"]


class _Tree:
    """Builds BOM rows (canonical column names) and each part's hours, aligned with its routing."""

    def __init__(self, today):
        self.today = today
        self.rng = random.Random(SEED)
        self.rows: list[dict] = []
        self.hours: dict[str, list] = {}  # part_no -> [hours per operation, in routing order]

    def add(self, part_no, name, parent, quantity=1, *, material="", dims=None, weight=None, routing=(),
            tol=None, ra=None, hardness=None, standard=False, due=None, remarks=""):
        routing = list(routing)
        length, width, height = dims or (None, None, None)
        self.rows.append({
            "part_no": part_no, "name": name, "parent_no": parent, "quantity": quantity, "material": material,
            "length_mm": _dec(length, 2), "width_mm": _dec(width, 2), "height_mm": _dec(height, 2),
            "weight_kg": _dec(weight, 3),
            "processes": ";".join(code for code, _hours in routing),
            "hardness": HARDNESS.get(material, "") if hardness is None and not standard else (hardness or ""),
            "tolerance_mm": _dec(tol, 4), "surface_ra": _dec(ra, 3),
            "standard_part": "是" if standard else "否",
            "due_date": self.today + timedelta(days=due) if due is not None else None,
            "remarks": remarks,
        })
        self.hours[part_no] = [hours for _code, hours in routing]

    def h(self, low, high):
        return round(self.rng.uniform(low, high) * 2) / 2  # half hours

    def size(self, low, high):
        return 5 * round(self.rng.uniform(low, high) / 5)


def _dec(value, places):
    if value is None:
        return None
    return Decimal(str(round(float(value), places)))


def _block(length, width, height, fill=1.0, density=STEEL):
    return length * width * height * density * fill


def _rod(diameter, length, density=STEEL):
    return pi / 4 * diameter * diameter * length * density


def build_tree(today) -> _Tree:
    """The 空调挂机支架模具 (a 9075 mould base, two-plate, 3 sliders, 6 lifters) as BOM rows."""
    t = _Tree(today)
    root = "M018-000"
    t.add(root, "空调挂机支架模具 总装", "", routing=[("ASSY", 40), ("TRIAL", 8)], due=45,
          remarks="客户：奥克斯空调；产品材料 PP+20%GF，一模一腔，T1 试模后交样 30 件")
    groups = {"100": "定模部分", "200": "动模部分", "300": "顶出系统", "400": "冷却系统", "500": "滑块机构",
              "600": "标准件"}
    for code, name in groups.items():
        assembly_routing = [] if code == "600" else [("ASSY", {"100": 8, "200": 10, "300": 6, "400": 4,
                                                                "500": 6}[code])]
        t.add(f"M018-{code}", name, root, routing=assembly_routing, due=40)

    # Mould base plates (CI 9075): 45# and P20.
    def plate(part_no, name, parent, material, dims, quantity=1, deep=False, cnc=(4, 8), due=21, remarks="", fill=0.9):
        routing = [("CUT", t.h(1, 2)), ("CNC", t.h(*cnc)), ("DRILL", t.h(1.5, 4))]
        if deep:
            routing.append(("DEEP", t.h(4, 8)))
        routing.append(("GRIND", t.h(2, 5)))
        t.add(part_no, name, parent, quantity, material=material, dims=dims, weight=_block(*dims, fill=fill),
              routing=routing, tol=0.02, ra=0.8 if material == "P20" else 1.6, due=due, remarks=remarks)

    # --- 定模部分
    plate("M018-101", "定模座板", "M018-100", "45#", (1000, 750, 50), cnc=(4, 7))
    plate("M018-102", "A板（定模板）", "M018-100", "P20", (900, 750, 180), deep=True, cnc=(24, 30), fill=0.8,
          remarks="含 8 组冷却水路，深孔钻；镶件框公差 0/+0.02")

    def main_insert(part_no, name, parent, dims, text):
        routing = [("CUT", 2), ("CNC", t.h(20, 26)), ("DEEP", t.h(3, 5)), ("HT", 6), ("GRIND", t.h(5, 8)),
                   ("CNC", t.h(34, 42)), ("EDM", t.h(24, 34)), ("WEDM", t.h(6, 10)), ("POLISH", t.h(12, 18))]
        if text:
            routing.append(("TEXT", 8))
        t.add(part_no, name, parent, material="S136", dims=dims, weight=_block(*dims, fill=0.85), routing=routing,
              tol=0.01, ra=0.4, due=28,
              remarks="外观面蚀纹 MT-11010，附材质证明" if text else "分型面配模，附材质证明")

    main_insert("M018-103", "型腔镶件", "M018-100", (650, 420, 130), text=True)
    t.add("M018-104", "浇口套", "M018-100", material="SKD61", dims=(110, 50, 50), weight=_rod(50, 110) * 0.9,
          routing=[("TURN", 1.5), ("HT", 0.5), ("GRIND", 1)], tol=0.01, ra=0.4, due=21)
    t.add("M018-105", "定位圈 Φ150", "M018-100", material="45#", dims=(150, 150, 15), standard=True, due=10)
    t.add("M018-106", "锥形精定位块", "M018-100", 4, material="SKD11", dims=(75, 50, 40), standard=True, due=10,
          remarks="盘起 标准件")

    kinds = ["卡扣", "筋位", "碰穿", "螺丝柱", "插穿", "Logo", "排气", "加强筋", "孔位", "挂钩", "限位", "倒扣"]

    def small_insert(part_no, side, n, parent, polish):
        material = INSERT_MATERIALS[(n + (0 if side == "定模" else 3)) % len(INSERT_MATERIALS)]
        dims = (t.size(30, 160), t.size(20, 90), t.size(25, 110))
        dims = tuple(sorted(dims, reverse=True))
        routing = [("CUT", 0.5), ("CNC", t.h(2, 8))]
        if material != "NAK80":
            routing.append(("HT", round(0.5 + _block(*dims) / 20, 1)))
        routing.append(("GRIND", t.h(1, 3)))
        routing.append(("WEDM", t.h(2, 6)) if t.rng.random() < 0.5 else ("EDM", t.h(3, 10)))
        if polish:
            routing.append(("POLISH", t.h(2, 5)))
        quantity = 2 if t.rng.random() < 0.15 else 1
        t.add(part_no, f"{side}小镶件（{kinds[n % len(kinds)]}）{n:02d}", parent, quantity, material=material,
              dims=dims, weight=_block(*dims, fill=0.85), routing=routing, tol=0.01 if n % 3 else 0.02,
              ra=0.4 if polish else 0.8, due=24 + n % 7)

    for n in range(1, 29):
        small_insert(f"M018-1{10 + n:02d}", "定模", n, "M018-100", polish=True)
    t.add("M018-107", "浇口镶件", "M018-100", material="SKD61", dims=(60, 40, 40), weight=_block(60, 40, 40),
          routing=[("CUT", 0.3), ("CNC", 1.5), ("HT", 0.6), ("GRIND", 0.8), ("EDM", 2), ("POLISH", 1)],
          tol=0.01, ra=0.2, due=24, remarks="潜伏式浇口，EDM 后抛光")
    t.add("M018-108", "隔热板 1000×750×6", "M018-100", material="玻纤隔热板", standard=True, due=10)

    # --- 动模部分
    plate("M018-201", "B板（动模板）", "M018-200", "P20", (900, 750, 200), deep=True, cnc=(26, 34), fill=0.8,
          remarks="含 10 组冷却水路，深孔钻；斜顶孔需慢走丝")
    plate("M018-202", "支撑板（托板）", "M018-200", "45#", (900, 750, 80), cnc=(6, 10))
    plate("M018-203", "垫块（方铁）", "M018-200", "45#", (900, 120, 150), quantity=2, cnc=(2, 4), due=14, fill=1)
    plate("M018-204", "动模座板", "M018-200", "45#", (1000, 750, 50), cnc=(4, 7))
    main_insert("M018-205", "型芯镶件", "M018-200", (650, 420, 150), text=False)
    t.add("M018-206", "撑头 Φ60", "M018-200", 8, material="45#", dims=(150, 60, 60), weight=_rod(60, 150),
          routing=[("TURN", 0.5), ("GRIND", 0.3)], tol=0.02, ra=1.6, due=14)
    for n in range(1, 41):
        small_insert(f"M018-2{10 + n:02d}", "动模", n, "M018-200", polish=n % 4 == 0)
    for n, (d, length, qty) in enumerate([(3, 45, 6), (3, 60, 4), (4, 55, 8), (4, 80, 4), (5, 70, 6), (5, 95, 2),
                                          (6, 80, 12), (6, 110, 4), (8, 90, 6), (8, 120, 2), (10, 100, 4),
                                          (10, 130, 2), (12, 110, 4), (12, 140, 2), (2.5, 40, 8), (2.5, 55, 4)],
                                         start=1):
        t.add(f"M018-2{60 + n:02d}", f"镶针 Φ{d}×{length}", "M018-200", qty, material="SKD61",
              dims=(length, d, d), weight=_rod(d, length), routing=[("TURN", 0.3), ("HT", 0.2), ("GRIND", 0.4)],
              tol=0.01, ra=0.4, due=24)

    # --- 顶出系统
    plate("M018-301", "顶针面板", "M018-300", "45#", (900, 490, 30), cnc=(3, 5), due=14)
    plate("M018-302", "顶针底板", "M018-300", "45#", (900, 490, 40), cnc=(2, 4), due=14)
    pins = [(3, 250, 24), (4, 250, 36), (4, 280, 18), (5, 260, 40), (5, 300, 22), (6, 280, 60), (6, 320, 16),
            (8, 300, 30), (8, 340, 12), (10, 320, 20), (10, 350, 10), (12, 340, 10)]
    for n, (d, length, qty) in enumerate(pins, start=1):
        t.add(f"M018-3{10 + n:02d}", f"顶针 Φ{d}×{length}", "M018-300", qty, material="SKD61",
              dims=(length, d, d), weight=_rod(d, length),
              routing=[("TURN", 0.2), ("HT", 0.1), ("GRIND", 0.25), ("NITR", 0.05)],
              hardness="HRC48-52/氮化HV900", tol=0.01, ra=0.4, due=14, remarks="非标长度，端面磨平，长度公差 0/+0.05")
    for n, (thick, width, length, qty) in enumerate([(1.5, 8, 250, 12), (2, 10, 260, 8), (2, 12, 280, 6),
                                                     (3, 12, 300, 4)], start=1):
        t.add(f"M018-3{30 + n:02d}", f"扁顶针 {thick}×{width}×{length}", "M018-300", qty, material="SKD61",
              dims=(length, width, thick), weight=_block(length, width, thick),
              routing=[("CUT", 0.2), ("HT", 0.1), ("GRIND", 0.4), ("WEDM", 0.5), ("NITR", 0.05)],
              hardness="HRC48-52/氮化HV900", tol=0.01, ra=0.4, due=14)
    for n, (outer, inner, length, qty) in enumerate([(6, 3, 220, 8), (8, 4, 240, 6), (10, 5, 260, 4)], start=1):
        t.add(f"M018-3{40 + n:02d}", f"司筒 Φ{outer}×Φ{inner}×{length}", "M018-300", qty, material="SKD61",
              dims=(length, outer, outer), standard=True, due=10, remarks="盘起 标准件")
        t.add(f"M018-3{43 + n:02d}", f"司筒针 Φ{inner}×{length + 60}", "M018-300", qty, material="SKD61",
              dims=(length + 60, inner, inner), standard=True, due=10, remarks="盘起 标准件")
    t.add("M018-347", "回针 Φ25×250", "M018-300", 4, material="SUJ2", dims=(250, 25, 25), standard=True, due=10)
    t.add("M018-348", "顶针板导柱 Φ30×220", "M018-300", 4, material="SUJ2", dims=(220, 30, 30), standard=True,
          due=10)
    t.add("M018-349", "顶针板导套 Φ30", "M018-300", 4, material="SUJ2", dims=(60, 40, 40), standard=True, due=10)
    t.add("M018-390", "垃圾钉 Φ20", "M018-300", 12, material="45#", dims=(20, 20, 8), standard=True, due=10)
    t.add("M018-391", "复位弹簧 Φ50×100", "M018-300", 4, material="60Si2Mn", standard=True, due=10)
    t.add("M018-393", "中托司 Φ30×180", "M018-300", 4, material="SUJ2", dims=(180, 30, 30), standard=True, due=10)
    t.add("M018-394", "中托边 Φ30", "M018-300", 4, material="SUJ2", dims=(60, 40, 40), standard=True, due=10)
    t.add("M018-392", "拉料杆 Φ8×260", "M018-300", material="SKD61", dims=(260, 8, 8), weight=_rod(8, 260),
          routing=[("TURN", 0.3), ("HT", 0.1), ("GRIND", 0.3)], tol=0.01, ra=0.4, due=14)

    t.add("M018-350", "斜顶机构", "M018-300", routing=[("ASSY", 6)], due=35)
    for n in range(1, 7):
        dims = (t.size(180, 260), t.size(25, 45), t.size(15, 30))
        t.add(f"M018-35{n}", f"斜顶 {n:02d}", "M018-350", material="H13", dims=dims,
              weight=_block(*dims, fill=0.9),
              routing=[("CUT", 0.5), ("CNC", t.h(4, 7)), ("HT", 1), ("GRIND", t.h(1.5, 3)), ("WEDM", t.h(2, 4)),
                       ("EDM", t.h(3, 6)), ("POLISH", t.h(1, 2))], tol=0.01, ra=0.4, due=26,
              remarks="斜顶头部随型芯配做")
        t.add(f"M018-36{n}", f"斜顶座 {n:02d}", "M018-350", material="P20", dims=(80, 50, 40),
              weight=_block(80, 50, 40), routing=[("CUT", 0.3), ("CNC", t.h(1.5, 3)), ("GRIND", 0.5)],
              tol=0.02, ra=0.8, due=24)
        t.add(f"M018-37{n}", f"斜顶导向块 {n:02d}", "M018-350", material="SKD11", dims=(90, 60, 30),
              weight=_block(90, 60, 30),
              routing=[("CUT", 0.3), ("CNC", t.h(1, 2)), ("HT", 0.3), ("GRIND", 0.8), ("WEDM", t.h(1, 2))],
              tol=0.01, ra=0.4, due=24)
        t.add(f"M018-38{n}", f"斜顶杆 {n:02d}", "M018-350", material="SKD61", dims=(320, 20, 20),
              weight=_rod(20, 320), routing=[("TURN", 0.5), ("HT", 0.2), ("GRIND", 0.6), ("NITR", 0.1)],
              tol=0.01, ra=0.4, due=24)

    # --- 冷却系统
    t.add("M018-401", "集水块", "M018-400", 2, material="45#", dims=(200, 60, 50), weight=_block(200, 60, 50, 0.85),
          routing=[("CUT", 0.3), ("CNC", 1.5), ("DRILL", 1), ("DEEP", 1)], tol=0.05, ra=3.2, due=21)
    for n, (length, qty) in enumerate([(80, 6), (100, 8), (120, 6), (150, 4), (180, 4), (200, 2)], start=1):
        t.add(f"M018-4{10 + n:02d}", f"隔水片 16×1.5×{length}", "M018-400", qty, material="H62",
              dims=(length, 16, 1.5), weight=_block(length, 16, 1.5, density=BRASS), routing=[("CUT", 0.1)],
              hardness="", tol=0.1, ra=3.2, due=14)
    for n, (name, qty) in enumerate([("快速水嘴 PT1/4", 16), ("快速水嘴 PT3/8", 8), ("堵头 PT1/8", 30),
                                     ("堵头 PT1/4", 24), ("堵头 PT3/8", 12), ("O型圈 Φ12×2", 40),
                                     ("O型圈 Φ16×2.5", 20), ("耐高温水管 Φ10 (m)", 12)], start=1):
        t.add(f"M018-4{30 + n:02d}", name, "M018-400", qty, material="黄铜" if "水嘴" in name or "堵头" in name
              else "氟橡胶", standard=True, due=10)

    # --- 滑块机构: three side actions
    for n, side in enumerate(["左侧卡扣抽芯", "右侧卡扣抽芯", "前侧挂钩抽芯"], start=1):
        body = (t.size(200, 260), t.size(140, 180), t.size(100, 140))
        base = f"M018-5{n}"
        t.add(f"{base}1", f"滑块（{side}）", "M018-500", material="718H", dims=body,
              weight=_block(*body, fill=0.85),
              routing=[("CUT", 1), ("CNC", t.h(8, 12)), ("GRIND", t.h(2, 3)), ("WEDM", t.h(2, 4))],
              tol=0.01, ra=0.8, due=24)
        head = (t.size(80, 140), t.size(40, 70), t.size(40, 70))
        t.add(f"{base}2", f"滑块镶件（{side}）", "M018-500", material="S136", dims=head,
              weight=_block(*head, fill=0.85),
              routing=[("CUT", 0.5), ("CNC", t.h(4, 6)), ("HT", 1), ("GRIND", t.h(1, 2)), ("EDM", t.h(4, 8)),
                       ("POLISH", t.h(2, 4))], tol=0.01, ra=0.4, due=26)
        t.add(f"{base}3", f"斜导柱 Φ25×180（{side}）", "M018-500", material="SUJ2", dims=(180, 25, 25),
              weight=_rod(25, 180), routing=[("TURN", 0.8), ("HT", 0.3), ("GRIND", 1)], tol=0.01, ra=0.4, due=18)
        t.add(f"{base}4", f"铲鸡（{side}）", "M018-500", material="SKD11", dims=(160, 90, 70),
              weight=_block(160, 90, 70, 0.9), routing=[("CUT", 0.5), ("CNC", t.h(2, 4)), ("HT", 0.5),
                                                         ("GRIND", t.h(1, 2))], tol=0.01, ra=0.8, due=18)
        t.add(f"{base}5", f"压条（{side}）", "M018-500", 2, material="SKD11", dims=(260, 40, 30),
              weight=_block(260, 40, 30), routing=[("CUT", 0.3), ("CNC", 1.5), ("HT", 0.3), ("GRIND", 1)],
              tol=0.01, ra=0.8, due=24)
        t.add(f"{base}6", f"耐磨板（{side}）", "M018-500", material="SKD11", dims=(200, 120, 10),
              weight=_block(200, 120, 10), routing=[("CUT", 0.3), ("HT", 0.3), ("GRIND", 1), ("DRILL", 0.5)],
              tol=0.01, ra=0.8, due=24)
        t.add(f"{base}7", f"滑块限位块（{side}）", "M018-500", material="45#", dims=(60, 40, 30),
              weight=_block(60, 40, 30), routing=[("CUT", 0.2), ("CNC", 0.8)], tol=0.05, ra=3.2, due=24)
        t.add(f"{base}8", f"滑块弹簧 Φ25×60（{side}）", "M018-500", 2, material="60Si2Mn", standard=True, due=10)

    # --- 标准件
    std = [("导柱 Φ50×300", 4, "SUJ2"), ("导套 Φ50×120", 4, "SUJ2"), ("内六角螺钉 M8×25", 60, "12.9级 SCM435"),
           ("内六角螺钉 M8×40", 24, "12.9级 SCM435"), ("内六角螺钉 M10×30", 40, "12.9级 SCM435"),
           ("内六角螺钉 M10×50", 16, "12.9级 SCM435"), ("内六角螺钉 M12×40", 24, "12.9级 SCM435"),
           ("内六角螺钉 M12×60", 16, "12.9级 SCM435"), ("内六角螺钉 M16×60", 8, "12.9级 SCM435"),
           ("内六角螺钉 M16×180", 8, "12.9级 SCM435"), ("定位销 Φ10×40", 8, "SUJ2"), ("定位销 Φ12×50", 8, "SUJ2"),
           ("吊环螺钉 M24", 2, "45#"), ("锁模块", 2, "45#"), ("计数器", 1, ""), ("模具铭牌", 1, "不锈钢"),
           ("撑头螺钉 M12×160", 8, "12.9级 SCM435"), ("限位柱 Φ30×150", 4, "45#")]
    for n, (name, qty, material) in enumerate(std, start=1):
        t.add(f"M018-6{n:02d}", name, "M018-600", qty, material=material, standard=True, due=10,
              remarks="龙记/盘起 标准件" if n <= 2 else "")
    return t


# --- The project ---------------------------------------------------------------------------------

def _project(brain, buyer: User, today) -> Project:
    tree = build_tree(today)
    with brain_context(brain.pk):
        project = Project.objects.in_brain(brain).filter(buyer_id=buyer.enterprise_id, code=PROJECT_CODE).first()
    if project is None:
        project = projects.project_create(brain=brain, by=buyer, code=PROJECT_CODE, name="空调挂机支架模具",
                                          customer="奥克斯空调", due_date=today + timedelta(days=45))
        with brain_context(brain.pk):  # demo history: the project was started five weeks ago
            Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - timedelta(days=35))
    with brain_context(brain.pk):
        stored = set(Part.objects.in_brain(brain).filter(project=project).values_list("part_no", flat=True))
    missing = [row for row in tree.rows if row["part_no"] not in stored]  # what the buyer has not got yet
    if missing:
        report = projects.bom_import(project=project, by=buyer, content=bom.write_xlsx(missing),
                                     filename="M-2026-018 空调挂机支架模具 BOM.xlsx")
        if not report.ok:
            raise RuntimeError(f"demo BOM rejected: {[e.as_dict() for e in report.errors[:5]]}")
    with brain_context(brain.pk):
        # The BOM has no hours column: fill the estimates the buyer would type in, where still empty.
        empty = list(Operation.objects.in_brain(brain).filter(part__project=project, estimated_hours__isnull=True)
                     .select_related("part"))
        for operation in empty:
            hours = tree.hours.get(operation.part.part_no, [])
            index = operation.sequence // 10 - 1
            if 0 <= index < len(hours) and hours[index]:
                operation.estimated_hours = Decimal(str(hours[index]))
        Operation.objects.bulk_update([o for o in empty if o.estimated_hours is not None], ["estimated_hours"])
    return project


# --- Prices ----------------------------------------------------------------------------------------

def _cost(part: Part, operations: list[Operation], only=None) -> tuple[Decimal, int]:
    """What a shop would charge for a part (or one of its operations), and the days it needs."""
    weight = float(part.weight_kg or 0)
    ops = [o for o in operations if only is None or o.pk == only]
    total = 0.0 if only else weight * 1.25 * MATERIAL_PRICE.get(part.material, 20)
    hours = 0.0
    for operation in ops:
        code = operation.process.code
        if code in PER_KG:
            per_kg, minimum = PER_KG[code]
            total += max(minimum, weight * per_kg)
            hours += 24  # a furnace cycle with tempering takes a day
        else:
            total += float(operation.estimated_hours or 0) * HOUR_RATE.get(code, 80)
            hours += float(operation.estimated_hours or 0)
    return Decimal(str(total * 1.15)), max(3, ceil(hours / 12) + 4)


def _quote_lines(rng, lines, operations, *, factor, days, only=None):
    result = []
    for line in lines:
        if only is not None and not only(line):
            continue
        cost, lead = _cost(line.part, operations[line.part_id], only=line.operation_id)
        unit = (cost * Decimal(str(factor * rng.uniform(0.92, 1.08)))).quantize(Decimal("1"))
        if unit >= 1000:
            unit = (unit / 10).quantize(Decimal("1")) * 10
        result.append({"rfq_line": line.pk, "unit_price": max(unit, Decimal("3")), "vat_rate": Decimal("13.00"),
                       "lead_time_days": max(2, lead + days + rng.randint(-1, 3)),
                       "valid_until": timezone.localdate() + timedelta(days=30)})
    return result


def _lines(rfq) -> tuple[list[RfqLine], dict[int, list[Operation]]]:
    with brain_context(rfq.brain_id):
        lines = list(RfqLine.objects.in_brain(rfq.brain_id).filter(rfq=rfq).select_related("part", "operation")
                     .order_by("line_no"))
        operations = {}
        for operation in (Operation.objects.in_brain(rfq.brain_id).filter(part_id__in=[l.part_id for l in lines])
                          .select_related("process").order_by("sequence")):
            operations.setdefault(operation.part_id, []).append(operation)
    return lines, operations


def _history(rfq: Rfq, *, created, deadline, quotes: dict[int, datetime]) -> None:
    """Demo history: move the RFQ's dates (and its quotes' submissions) into the past."""
    with brain_context(rfq.brain_id):
        fields = {"created_at": created, "published_at": created + timedelta(hours=1), "deadline": deadline}
        if Rfq.objects.get(pk=rfq.pk).closed_at is not None:
            fields["closed_at"] = deadline
        Rfq.objects.filter(pk=rfq.pk).update(**fields)
        for quote_id, moment in quotes.items():
            Quote.objects.filter(pk=quote_id).update(submitted_at=moment)


# --- RFQs --------------------------------------------------------------------------------------------

def _existing_rfq(project: Project, title: str) -> Rfq | None:
    with brain_context(project.brain_id):
        return Rfq.objects.in_brain(project.brain_id).filter(project=project, title=title).first()


def _parts(project: Project, part_nos) -> list[Part]:
    with brain_context(project.brain_id):
        found = {p.part_no: p for p in Part.objects.in_brain(project.brain_id).filter(project=project,
                                                                                       part_no__in=part_nos)}
    return [found[no] for no in part_nos]


def _awarded_rfq(project, buyer, suppliers, rng):
    """Weeks ago: mould-base parts, angle pins and wedges; each line awarded to its cheapest quote, a PO per winner."""
    if _existing_rfq(project, AWARDED_TITLE):
        return
    part_nos = ["M018-203", "M018-301", "M018-302", "M018-206", "M018-401", "M018-513", "M018-523", "M018-533",
                "M018-514", "M018-524", "M018-534"]
    rfq = rfqs.rfq_create(project=project, by=buyer, title=AWARDED_TITLE,
                          deadline=timezone.now() + timedelta(days=2),
                          lines=[{"part": p.pk} for p in _parts(project, part_nos)],
                          notes="含材料、含税13%专票，送货至黄岩院桥镇精诚模具厂")
    rfqs.rfq_publish(rfq=rfq, by=buyer)
    lines, operations = _lines(rfq)
    now = timezone.now()
    quotes = {}
    for index, factor, days in ((2, 0.95, 1), (3, 1.0, 0), (8, 0.97, 2)):
        quote = rfqs.quote_submit(rfq=rfq, by=suppliers[index], lines=_quote_lines(
            rng, lines, operations, factor=factor, days=days), remarks="含材料及热处理，含税13%")
        quotes[quote.pk] = now - timedelta(days=25, hours=rng.randint(1, 40))
    _history(rfq, created=now - timedelta(days=30), deadline=now - timedelta(days=23), quotes=quotes)
    with brain_context(rfq.brain_id):
        cheapest = {}
        for quote_line in QuoteLine.objects.in_brain(rfq.brain_id).filter(quote__rfq=rfq).order_by("unit_price", "pk"):
            cheapest.setdefault(quote_line.rfq_line_id, quote_line.pk)
    orders = awards.award_lines(rfq=_reload(rfq), decisions=cheapest, by=buyer)
    with brain_context(rfq.brain_id):  # demo history: awarded the day after the deadline
        awarded_at = now - timedelta(days=22)
        PurchaseOrder.objects.filter(pk__in=[o.pk for o in orders]).update(issued_at=awarded_at)
        Award.objects.filter(purchase_order__in=orders).update(awarded_at=awarded_at)


def _reload(rfq: Rfq) -> Rfq:
    with brain_context(rfq.brain_id):
        return Rfq.objects.in_brain(rfq.brain_id).get(pk=rfq.pk)


def _closed_rfq(project, buyer, suppliers, rng):
    """Closed two days ago: 2 main inserts, 13 small inserts, 5 plates; four suppliers quoted; not awarded."""
    if _existing_rfq(project, CLOSED_TITLE):
        return
    plates = ["M018-101", "M018-102", "M018-201", "M018-202", "M018-204"]
    inserts = ["M018-103", "M018-205"] + [f"M018-1{10 + n:02d}" for n in range(1, 7)] + [
        f"M018-2{10 + n:02d}" for n in range(1, 8)]
    rfq = rfqs.rfq_create(project=project, by=buyer, title=CLOSED_TITLE,
                          deadline=timezone.now() + timedelta(days=2),
                          lines=[{"part": p.pk} for p in _parts(project, inserts + plates)],
                          notes="镶件含材料（附材质证明）与真空热处理；模板含材料。图纸 3D 见附件，报价请注明交期。")
    rfqs.rfq_publish(rfq=rfq, by=buyer)
    lines, operations = _lines(rfq)
    is_plate = {line.pk: line.part.part_no in plates for line in lines}
    now = timezone.now()
    quotes = {}
    bidders = (  # (enterprise index, price factor, extra days, which lines, remarks)
        (2, 0.88, 2, None, "含材料、热处理；抛光蚀纹外协美嘉。MAZAK设备满负荷，交期按排产"),
        (3, 1.00, 0, None, "含材料，含税13%专票；镶件热处理外协恒通"),
        (1, 1.10, -2, lambda line: not is_plate[line.pk], "自有牧野/沙迪克设备，可配模，镶件交期优先保证"),
        (8, 0.97, 1, lambda line: is_plate[line.pk], "模板含材料，龙门加工+大水磨"),
    )
    for index, factor, days, only, remarks in bidders:
        quote = rfqs.quote_submit(rfq=rfq, by=suppliers[index], remarks=remarks, lines=_quote_lines(
            rng, lines, operations, factor=factor, days=days, only=only))
        quotes[quote.pk] = now - timedelta(days=rng.randint(3, 6), hours=rng.randint(1, 20))
    rfqs.rfq_close(rfq=_reload(rfq), by=buyer)
    _history(rfq, created=now - timedelta(days=9), deadline=now - timedelta(days=2), quotes=quotes)


def _open_rfq(project, buyer, suppliers, rng):
    """Open for three more days: the heat treatment of 40 inserts as single operations, and the ejector pins."""
    if _existing_rfq(project, OPEN_TITLE):
        return
    with brain_context(project.brain_id):
        tendered = set(RfqLine.objects.in_brain(project.brain_id).filter(rfq__project=project)
                       .values_list("part_id", flat=True))
        heat = list(Operation.objects.in_brain(project.brain_id)
                    .filter(part__project=project, process__code="HT", part__name__contains="镶件")
                    .exclude(part_id__in=tendered).select_related("part").order_by("part__part_no"))[:40]
        pins = list(Part.objects.in_brain(project.brain_id).filter(project=project, name__startswith="顶针 Φ")
                    .order_by("part_no"))
    if len(heat) < 40:
        raise RuntimeError(f"the demo tree has only {len(heat)} untendered inserts with heat treatment")
    deadline = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), time(17, 0)))
    ht_due = timezone.localdate() + timedelta(days=12)
    rfq = rfqs.rfq_create(
        project=project, by=buyer, title=OPEN_TITLE, deadline=deadline,
        lines=[{"part": o.part_id, "operation": o.pk, "due_date": ht_due} for o in heat]
        + [{"part": p.pk} for p in pins],
        notes="镶件真空淬火+三次回火，硬度 HRC48-52（SKD11 HRC58-60），随货附硬度检测报告；顶针 SKD61 氮化。",
    )
    rfqs.rfq_publish(rfq=rfq, by=buyer)
    with brain_context(rfq.brain_id):
        matching.matching_run(brain_id=rfq.brain_id, rfq_id=rfq.pk)
    lines, operations = _lines(rfq)
    small_furnace = {line.pk for line in lines if line.operation_id and float(line.part.weight_kg or 0) <= 2}
    rfqs.quote_submit(rfq=_reload(rfq), by=suppliers[5], remarks="真空高压气淬，三次回火，硬度报告随货；批量每炉次 2 天",
                      lines=_quote_lines(rng, lines, operations, factor=1.0, days=-2,
                                         only=lambda line: line.operation_id is not None))
    rfqs.quote_submit(rfq=_reload(rfq), by=suppliers[8], remarks="顶针车磨氮化一条龙；小镶件可随炉真空淬火",
                      lines=_quote_lines(rng, lines, operations, factor=1.05, days=0,
                                         only=lambda line: line.operation_id is None or line.pk in small_furnace))


# --- Production ---------------------------------------------------------------------------------------

def _at(days_ago: float) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def _report(line, operation, by, days_ago: float, status: str, **fields) -> None:
    """A progress report, dated in the past (demo history), as the supplier sent it then."""
    report = work_orders.progress_report(line=line, operation=operation, by=by, status=status, **fields)
    with brain_context(line.brain_id):
        ProgressReport.objects.filter(pk=report.pk).update(reported_at=_at(days_ago))
        WorkOrderLine.objects.filter(pk=line.pk).update(last_reported_at=_at(days_ago))


def _production_lines(work_order: WorkOrder) -> list[tuple[WorkOrderLine, list[Operation]]]:
    with brain_context(work_order.brain_id):
        lines = list(work_order.lines.select_related("work_order", "part", "operation").order_by("part__part_no"))
        routing = {}
        for operation in Operation.objects.in_brain(work_order.brain_id).filter(
                part_id__in=[line.part_id for line in lines]).order_by("sequence"):
            routing.setdefault(operation.part_id, []).append(operation)
    return [(line, [line.operation] if line.operation_id else routing.get(line.part_id, [])) for line in lines]


def _make_everything(line, routing, by, *, days_ago: float) -> None:
    for step, operation in enumerate(routing):
        _report(line, operation, by, days_ago + len(routing) - step, "done")


def _completed_work_order(work_order: WorkOrder, supplier: User, buyer: User) -> None:
    """Made, delivered, one line partly sent back for rework and delivered again, accepted, rated."""
    today = timezone.localdate()
    lines = _production_lines(work_order)
    for line, routing in lines:
        _make_everything(line, routing, supplier, days_ago=8)
    first = deliveries.delivery_record(work_order=work_order, by=supplier, note_number="SH-20261109-01",
                                       delivered_on=today - timedelta(days=7),
                                       lines={line.pk: line.quantity for line, _r in lines})
    with brain_context(work_order.brain_id):
        delivered = list(DeliveryLine.objects.in_brain(work_order.brain_id).filter(delivery=first)
                         .select_related("line").order_by("line__part__part_no"))
    reworked = delivered[0] if delivered else None
    for delivered_line in delivered:
        if delivered_line is reworked:
            deliveries.delivery_inspect(delivery_line=delivered_line, by=buyer, outcome="rework", rejected_quantity=1,
                                        reason="1 件配合面尺寸超差 +0.03，返修后重新送检",
                                        inspected_on=today - timedelta(days=6))
        else:
            deliveries.delivery_inspect(delivery_line=delivered_line, by=buyer, outcome="accepted",
                                        inspected_on=today - timedelta(days=6))
    if reworked is not None:
        again = deliveries.delivery_record(work_order=work_order, by=supplier, note_number="SH-20261112-02",
                                           delivered_on=today - timedelta(days=4), lines={reworked.line_id: 1},
                                           note="返修件重新送检")
        with brain_context(work_order.brain_id):
            redelivered = DeliveryLine.objects.in_brain(work_order.brain_id).get(delivery=again)
        deliveries.delivery_inspect(delivery_line=redelivered, by=buyer, outcome="accepted",
                                    inspected_on=today - timedelta(days=3))
    with brain_context(work_order.brain_id):
        work_order = WorkOrder.objects.in_brain(work_order.brain_id).get(pk=work_order.pk)
    ratings.work_order_rate(work_order=work_order, by=buyer, quality=4, on_time=5, communication=5,
                            comment="交期准时，返修响应快；下次注意配合面首件自检")


def _work_order_in_production(work_order: WorkOrder, supplier: User, buyer: User) -> None:
    """Each line in another state, so the board shows what a buyer meets every day."""
    today = timezone.localdate()
    states = ["delivered", "in_progress", "blocked", "silent", "late", "planned_late", "not_started"]
    delivered = {}
    for index, (line, routing) in enumerate(_production_lines(work_order)):
        state = states[index % len(states)]
        due = line.due_date or today + timedelta(days=14)
        if not routing:
            continue
        if state == "delivered":
            _make_everything(line, routing, supplier, days_ago=3)
            delivered[line.pk] = line.quantity
        elif state in ("in_progress", "late", "planned_late", "silent"):
            current = len(routing) // 2
            _make_everything(line, routing[:current], supplier, days_ago=7 if state == "silent" else 3)
            planned = {"planned_late": due + timedelta(days=5), "late": today + timedelta(days=3)}.get(
                state, due - timedelta(days=2))
            _report(line, routing[current], supplier, 6 if state == "silent" else 0.2, "in_progress",
                    percent=60 if state != "silent" else 30, planned_completion=planned,
                    note="粗加工完成，半精加工中" if state == "in_progress" else "")
            if state == "late":  # demo history: agreed for two days ago, when the customer moved T1 forward
                with brain_context(line.brain_id):
                    WorkOrderLine.objects.filter(pk=line.pk).update(due_date=today - timedelta(days=2))
        elif state == "blocked":
            _make_everything(line, routing[:1], supplier, days_ago=4)
            _report(line, routing[min(1, len(routing) - 1)], supplier, 1, "blocked",
                    reason="等料：SKD61 圆钢到货延迟，供应商承诺周五到厂")
    if delivered:
        deliveries.delivery_record(work_order=work_order, by=supplier, note_number="SH-20261121-03",
                                   delivered_on=today - timedelta(days=1), lines=delivered, note="请安排来料检验")
    with brain_context(work_order.brain_id):
        asked = WorkOrderLine.objects.in_brain(work_order.brain_id).filter(
            work_order=work_order, progress_status="in_progress").order_by("part__part_no").first()
    if asked is not None:
        change_requests.change_request_ask(line=asked, by=supplier, reason="热处理外协排队，申请延期 4 天",
                                           new_due_date=(asked.due_date or today + timedelta(days=14))
                                           + timedelta(days=4))


def _production(project, buyer, suppliers, rng):
    rfq = _existing_rfq(project, AWARDED_TITLE)
    with brain_context(project.brain_id):
        orders = list(WorkOrder.objects.in_brain(project.brain_id).filter(rfq=rfq).order_by("pk"))
    if not orders or any(order.status != WorkOrder.Status.ISSUED for order in orders):
        return  # already in production
    by_enterprise = {user.enterprise_id: user for user in suppliers.values()}
    for order in orders:
        work_orders.work_order_accept(work_order=order, by=by_enterprise[order.supplier_id])
    with brain_context(project.brain_id):  # demo history: accepted the day after the award
        WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).update(decided_at=_at(21))
        sizes = {o.pk: o.lines.count() for o in orders}
    orders.sort(key=lambda order: (sizes[order.pk], order.pk))
    _completed_work_order(orders[0], by_enterprise[orders[0].supplier_id], buyer)
    for order in orders[1:]:
        _work_order_in_production(order, by_enterprise[order.supplier_id], buyer)
    with brain_context(project.brain_id):
        if not MouldTrial.objects.in_brain(project.brain_id).filter(project=project).exists():
            moment = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=10), time(14, 0)))
            trials.trial_schedule(project=project, by=buyer, scheduled_at=moment, location="精诚模具厂 试模车间",
                                  press="海天 MA2500/1000", meeting_url="https://meeting.tencent.com/dm/ib-m018-t1")


# --- Entry point ---------------------------------------------------------------------------------------

@transaction.atomic
def load(*, brains: dict, users: dict) -> None:
    brain = brains.get(BRAIN)
    if brain is None:
        return
    suppliers = _supplier_users(users)
    _profiles(brain, suppliers)
    buyer = users["buyer"]
    project = _project(brain, buyer, timezone.localdate())
    for offset, make in enumerate((_awarded_rfq, _closed_rfq, _open_rfq, _production), start=1):
        make(project, buyer, suppliers, random.Random(SEED + offset))  # one seed each: reruns draw alike
