"""Demo data: three brains, their process catalogues, ~10 enterprises each, one user per role.

Idempotent: every row is looked up by its natural key first. Other apps add their demo in their own
`demo.py` with a `load(*, brains, users)` function; `load_demo` calls them after this one.
"""

from django.db import transaction

from tenants import credit_code
from tenants.context import brain_context
from tenants.models import Brain, BrainStaff, Enterprise, Membership, Process, User

PASSWORD = "demo-2026"

BRAINS = [
    {
        "slug": "mould", "name_zh": "模具（塑料）产业大脑", "name_en": "Mould & Plastics Industry Brain",
        "sector": "模具与塑料 / mould & plastics", "region_code": "331003",
        "processes": [
            ("CUT", "下料", "Cutting stock"), ("TURN", "车削", "Turning"), ("CNC", "CNC铣削", "CNC milling"),
            ("DRILL", "钻孔", "Drilling"), ("DEEP", "深孔钻", "Deep-hole drilling"),
            ("WEDM", "线切割", "Wire EDM"), ("EDM", "电火花", "Sinker EDM"), ("GRIND", "磨削", "Grinding"),
            ("HT", "热处理", "Heat treatment"), ("NITR", "氮化", "Nitriding"), ("POLISH", "抛光", "Polishing"),
            ("TEXT", "蚀纹", "Texturing"), ("ASSY", "装配", "Assembly"), ("TRIAL", "试模", "Mould trial"),
        ],
    },
    {
        "slug": "pump-valve", "name_zh": "泵阀产业大脑", "name_en": "Pump & Valve Industry Brain",
        "sector": "泵阀 / pumps & valves", "region_code": "331081",
        "processes": [
            ("CAST", "铸造", "Casting"), ("FORGE", "锻造", "Forging"), ("TURN", "车削", "Turning"),
            ("MILL", "铣削", "Milling"), ("DRILL", "钻孔", "Drilling"), ("HT", "热处理", "Heat treatment"),
            ("PAINT", "喷涂", "Spray coating"), ("ASSY", "装配", "Assembly"), ("PTEST", "试压", "Pressure test"),
        ],
    },
    {
        "slug": "leather-shoe", "name_zh": "皮革制鞋产业大脑", "name_en": "Leather & Footwear Industry Brain",
        "sector": "皮革制鞋 / leather & footwear", "region_code": "330302",
        "processes": [
            ("CLICK", "裁断", "Clicking (cutting)"), ("SKIVE", "片皮", "Skiving"), ("STITCH", "针车", "Stitching"),
            ("LAST", "成型", "Lasting"), ("SOLE", "底加工", "Sole making"), ("PACK", "包装", "Packing"),
        ],
    },
]

# (legal name, region, roles per brain slug). Some enterprises are in two brains.
ENTERPRISES = [
    ("台州市黄岩精诚模具有限公司", "331003", {"mould": ["buyer"]}),
    ("浙江黄岩凯华模具有限公司", "331003", {"mould": ["buyer", "supplier"]}),
    ("台州市黄岩宏达精密机械加工厂", "331003", {"mould": ["supplier"]}),
    ("黄岩永盛数控加工有限公司", "331003", {"mould": ["supplier"]}),
    ("台州市黄岩鑫达线切割加工厂", "331003", {"mould": ["supplier"]}),
    ("浙江黄岩恒通热处理有限公司", "331003", {"mould": ["supplier"], "pump-valve": ["supplier"]}),
    ("台州市黄岩美嘉抛光蚀纹有限公司", "331003", {"mould": ["supplier"]}),
    ("黄岩华宇塑料制品有限公司", "331003", {"mould": ["buyer"]}),
    ("台州市路桥明辉模具配件有限公司", "331004", {"mould": ["supplier"]}),
    ("浙江泰隆商业银行台州分行（演示）", "331002", {"mould": ["financier"], "pump-valve": ["financier"]}),
    ("温岭市东方泵业有限公司", "331081", {"pump-valve": ["buyer"]}),
    ("浙江温岭利欧阀门制造有限公司", "331081", {"pump-valve": ["buyer", "supplier"]}),
    ("温岭市大溪精密铸造有限公司", "331081", {"pump-valve": ["supplier"]}),
    ("温岭市泽国锻压有限公司", "331081", {"pump-valve": ["supplier"]}),
    ("温岭市新河机加工有限公司", "331081", {"pump-valve": ["supplier"]}),
    ("温岭市箬横喷涂有限公司", "331081", {"pump-valve": ["supplier"]}),
    ("浙江钱江钢材贸易有限公司", "331081", {"pump-valve": ["supplier"]}),
    ("温岭市松门水泵配件厂", "331081", {"pump-valve": ["buyer"]}),
    ("温州市鹿城红蜻蜓鞋业（演示）有限公司", "330302", {"leather-shoe": ["buyer"]}),
    ("温州市瓯海宏利皮革有限公司", "330304", {"leather-shoe": ["supplier"]}),
    ("温州市鹿城金达裁断加工厂", "330302", {"leather-shoe": ["supplier"]}),
    ("温州市龙湾永泰鞋材有限公司", "330303", {"leather-shoe": ["supplier"]}),
    ("温州市鹿城佳美针车加工厂", "330302", {"leather-shoe": ["supplier"]}),
    ("温州市瓯海鞋底制造有限公司", "330304", {"leather-shoe": ["supplier"]}),
    ("温州市鹿城外贸鞋样采购商行", "330302", {"leather-shoe": ["buyer"]}),
    ("瑞安市华盛鞋业有限公司", "330381", {"leather-shoe": ["buyer", "supplier"]}),
    ("温州市瓯海包装印刷有限公司", "330304", {"leather-shoe": ["supplier"]}),
    ("温州银行鹿城支行（演示）", "330302", {"leather-shoe": ["financier"]}),
]


def demo_credit_code(index: int, region: str) -> str:
    """A well-formed code (valid check character) with a made-up organisation part MA000000n."""
    body = f"91{region}MA{index:07d}"[:17]
    return body + credit_code.check_character(body)


# username, full name, mobile, enterprise index (or None), enterprise role, extra
USERS = [
    ("admin", "平台管理员", "13800000001", None, "", {"is_platform_admin": True, "is_staff": True, "is_superuser": True}),
    ("operator", "黄岩模具大脑运营", "13800000002", None, "", {"staff": [("mould", "operator"), ("pump-valve", "operator"), ("leather-shoe", "operator")]}),
    ("gov", "黄岩区经信局（只读）", "13800000003", None, "", {"staff": [("mould", "government_viewer")]}),
    ("buyer", "王建国", "13800000004", 0, "admin", {}),
    ("supplier", "李海峰", "13800000005", 2, "admin", {}),
    ("supplier2", "陈晓燕", "13800000006", 5, "admin", {}),
    ("bank", "周敏", "13800000007", 9, "admin", {}),
    ("pvbuyer", "林志强", "13800000008", 10, "admin", {}),
    ("shoebuyer", "吴丽娜", "13800000009", 18, "admin", {}),
]


@transaction.atomic
def load() -> dict:
    brains = {}
    for spec in BRAINS:
        brain, _ = Brain.objects.get_or_create(
            slug=spec["slug"],
            defaults={k: spec[k] for k in ("name_zh", "name_en", "sector", "region_code")},
        )
        brains[brain.slug] = brain
        with brain_context(brain.pk):
            for order, (code, zh, en) in enumerate(spec["processes"]):
                Process.objects.get_or_create(
                    brain=brain, code=code, defaults={"name_zh": zh, "name_en": en, "sort_order": order * 10}
                )

    enterprises = []
    for index, (name, region, roles_by_brain) in enumerate(ENTERPRISES):
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=demo_credit_code(index + 1, region),
            defaults={"legal_name": name, "region_code": region, "address": f"浙江省 {name[:6]}",
                      "verified": index % 4 != 3},
        )
        enterprises.append(enterprise)
        for slug, roles in roles_by_brain.items():
            with brain_context(brains[slug].pk):
                Membership.objects.get_or_create(
                    brain=brains[slug], enterprise=enterprise,
                    defaults={"roles": roles, "status": Membership.Status.ACTIVE},
                )

    users = {}
    for username, full_name, mobile, enterprise_index, enterprise_role, extra in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, full_name=full_name, mobile=mobile,
                enterprise=enterprises[enterprise_index] if enterprise_index is not None else None,
                enterprise_role=enterprise_role,
                is_platform_admin=extra.get("is_platform_admin", False),
                is_staff=extra.get("is_staff", False), is_superuser=extra.get("is_superuser", False),
            )
            user.set_password(PASSWORD)
            user.save()
        for slug, role in extra.get("staff", []):
            with brain_context(brains[slug].pk):
                BrainStaff.objects.get_or_create(brain=brains[slug], user=user, defaults={"role": role})
        users[username] = user

    # One application waiting in the mould brain, so the operator has something to decide.
    waiting = enterprises[-1]
    with brain_context(brains["mould"].pk):
        Membership.objects.get_or_create(
            brain=brains["mould"], enterprise=waiting,
            defaults={"roles": ["financier"], "status": Membership.Status.APPLIED, "note": "申请加入模具大脑，提供应收账款融资"},
        )
    return {"brains": brains, "users": users, "enterprises": enterprises}


LOGINS = [
    ("admin", "platform administrator / 平台管理员"),
    ("operator", "brain operator of all three brains / 大脑运营"),
    ("gov", "government viewer, mould brain / 政府只读"),
    ("buyer", "buyer: mould maker admin / 模具厂（采购方）"),
    ("supplier", "supplier: machining shop admin / 加工厂（供应方）"),
    ("bank", "financier: bank / 银行（资金方）"),
    ("pvbuyer", "buyer, pump-valve brain / 泵阀采购方"),
    ("shoebuyer", "buyer, leather-shoe brain / 制鞋采购方"),
]
