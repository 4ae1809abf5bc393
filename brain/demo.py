"""Government-data and policy demo (idempotent): the market regulation registry's and the tax bureau's records of
the demo enterprises of the mould and pump-valve brains, merged through the real sync engine, their tags, and in
the mould brain one published policy (政策直达) matched against every member, so that some come out eligible, some
not eligible, and one undetermined because its size figures are missing.

The records arrive as department rows of file-drop sources (named “…（演示）”) and go through `map_row` and
`records_merge`, just as a sync run would take them; the folders stay empty, so a run by hand finds nothing new.
Idempotent: sources are looked up by name and the policy by title, and a merge of the same rows changes nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from brain.models import DataSource, Policy
from brain.services import enterprise_files, policies, sync
from brain.sync.engine import map_row, records_merge
from tenants import demo as tenants_demo
from tenants.context import brain_context
from tenants.models import Membership

REGISTRATION_SOURCE = "市场监管局企业登记信息（演示）"
TAX_SOURCE = "税务局纳税信用评价结果（演示）"
REGISTRATION_MAPPING = {  # the fields of the registry's export (国家企业信用信息公示系统 style)
    "credit_code": "tyshxydm", "as_of": "gxsj",
    "attributes": {"legal_name": "qymc", "enterprise_type": "qylx", "registered_capital": "zczb",
                   "founded_on": "clrq", "legal_representative": "fddbr", "address": "zs", "region_code": "xzqhdm",
                   "industry": "hydm", "status": "djzt", "employees": "cbrs", "annual_revenue": "yysr",
                   "high_tech": "gxjsqy", "specialised_sme": "zjtxqy"},
}
TAX_MAPPING = {  # one row per taxpayer and year of evaluation
    "credit_code": "nsrsbh", "record_id": "pjbh", "as_of": "fbrq",
    "attributes": {"rating": "xydj", "year": "pjnd"},
}
AS_OF = "2026-10-15 09:00:00"  # fixed, so a second load sends the very same rows
TAX_AS_OF = "2026-04-20"  # tax bureaus publish the year's ratings in April

LIMITED = "有限责任公司(自然人投资或控股)"
# legal name -> (type, capital, founded, legal representative, address, industry, employees, revenue, high-tech,
# specialised SME). Size figures None: not on record. Chosen so the demo policy below finds every outcome.
REGISTRATIONS = {
    "台州市黄岩精诚模具有限公司": (LIMITED, "5000万元人民币", "2003-04-16", "王建国", "台州市黄岩区北院大道 188 号",
                       "C3525", "1200", "52000万元", True, False),  # large: not an SME
    "浙江黄岩凯华模具有限公司": (LIMITED, "2000万元人民币", "2008-09-02", "郑凯华", "台州市黄岩区江口街道模具城 6 号",
                     "C3525", "260", "18000万元", True, True),
    "台州市黄岩宏达精密机械加工厂": ("个人独资企业", "500万元人民币", "2012-05-18", "李海峰", "台州市黄岩区新前街道工业园 32 号",
                         "C3489", "85", "3200万元", True, False),
    "黄岩永盛数控加工有限公司": (LIMITED, "300万元人民币", "2015-11-09", "黄永盛", "台州市黄岩区院桥镇工业区 12 号",
                     "C3489", "45", "1500万元", False, False),  # neither high-tech nor specialised
    "台州市黄岩鑫达线切割加工厂": ("个人独资企业", "100万元人民币", "2017-03-27", "陈鑫", "台州市黄岩区澄江街道凤山路 77 号",
                        "C3489", None, None, False, True),  # no size figures on record: undetermined
    "浙江黄岩恒通热处理有限公司": (LIMITED, "1000万元人民币", "2006-07-01", "陈晓燕", "台州市黄岩区江口街道德嘉路 9 号",
                       "C3360", "320", "9000万元", False, True),
    "台州市黄岩美嘉抛光蚀纹有限公司": (LIMITED, "200万元人民币", "2019-08-13", "林美嘉", "台州市黄岩区新前街道横街 5 号",
                          "C3360", "28", "600万元", False, False),
    "黄岩华宇塑料制品有限公司": (LIMITED, "3000万元人民币", "2010-01-20", "张华宇", "台州市黄岩区北城街道开发区 66 号",
                     "C2929", "380", "26000万元", True, False),
    "台州市路桥明辉模具配件有限公司": (LIMITED, "500万元人民币", "2013-06-06", "刘明辉", "台州市路桥区峰江街道 21 号",
                          "C3525", "60", "2100万元", False, True),  # in Luqiao, outside the policy's region
    "浙江泰隆商业银行台州分行（演示）": ("股份有限公司分公司(非上市)", None, "2008-12-18", "周敏", "台州市椒江区市府大道 1 号",
                           "J6621", None, None, False, False),  # a branch registers no capital of its own
    "温岭市东方泵业有限公司": (LIMITED, "1500万元人民币", "2001-05-12", "林志强", "温岭市东部新区泵业园区 8 号",
                    "C3441", "420", "31000万元", True, False),
    "浙江温岭利欧阀门制造有限公司": (LIMITED, "3000万元人民币", "2004-10-08", "郑立", "温岭市东部产业集聚区 2 号",
                        "C3443", "560", "46000万元", True, True),
    "温岭市大溪精密铸造有限公司": (LIMITED, "800万元人民币", "2009-03-15", "江大溪", "温岭市大溪镇工业园 18 号",
                       "C3391", "150", "7800万元", False, True),
    "温岭市泽国锻压有限公司": (LIMITED, "600万元人民币", "2011-07-22", "徐泽国", "温岭市泽国镇牧屿工业区 3 号",
                    "C3391", "90", "4200万元", False, False),
    "温岭市新河机加工有限公司": (LIMITED, "200万元人民币", "2016-02-29", "吴新河", "温岭市新河镇长屿路 45 号",
                     "C3489", "36", "1300万元", False, False),
    "温岭市箬横喷涂有限公司": (LIMITED, "100万元人民币", "2018-09-10", "蔡箬横", "温岭市箬横镇东浦工业区 7 号",
                    "C3360", "22", "520万元", False, False),
    "浙江钱江钢材贸易有限公司": (LIMITED, "5000万元人民币", "2005-06-30", "赵钢", "温岭市城东街道万昌路 300 号",
                     "F5174", "40", "68000万元", False, False),
    "温岭市松门水泵配件厂": ("个人独资企业", "50万元人民币", "2014-04-04", "蒋松", "温岭市松门镇工业区 11 号",
                   "C3441", "18", "900万元", False, False),
}
TAX_RATINGS = {"浙江黄岩凯华模具有限公司": "A", "台州市黄岩宏达精密机械加工厂": "A", "台州市黄岩精诚模具有限公司": "A",
               "黄岩永盛数控加工有限公司": "B", "黄岩华宇塑料制品有限公司": "B", "温岭市东方泵业有限公司": "A",
               "浙江温岭利欧阀门制造有限公司": "A", "温岭市泽国锻压有限公司": "B"}

POLICY = {
    "title": "黄岩区中小企业数字化改造补助",
    "issuer": "台州市黄岩区经济和信息化局",
    "document_number": "黄经信〔2026〕12号",
    "summary": "对黄岩区内获评高新技术企业或专精特新中小企业的小型、中型工业企业，实施设备联网、MES、数字化车间等"
               "数字化改造项目的，按项目投资额给予补助。",
    "benefit": "按设备及软件投资额的10%补助，单个企业最高200万元",
    "rules": [{"field": "region", "op": "within", "value": ["331003"]},
              {"field": "tags", "op": "has_any", "value": ["high_tech", "specialised_sme"]},
              {"field": "size_class", "op": "in", "value": ["small", "medium"]}],
}


def _credit_code(legal_name: str) -> str:
    for index, (name, region, _roles) in enumerate(tenants_demo.ENTERPRISES):
        if name == legal_name:
            return tenants_demo.demo_credit_code(index + 1, region)
    raise LookupError(legal_name)


def _region(legal_name: str) -> str:
    return next(region for name, region, _roles in tenants_demo.ENTERPRISES if name == legal_name)


def _registration_row(legal_name: str) -> dict:
    kind, capital, founded, person, address, industry, employees, revenue, high_tech, specialised = (
        REGISTRATIONS[legal_name])
    row = {"tyshxydm": _credit_code(legal_name), "gxsj": AS_OF, "qymc": legal_name, "qylx": kind, "zczb": capital,
           "clrq": founded, "fddbr": person, "zs": address, "xzqhdm": _region(legal_name), "hydm": industry,
           "djzt": "存续", "cbrs": employees, "yysr": revenue, "gxjsqy": "是" if high_tech else "",
           "zjtxqy": "是" if specialised else ""}
    return {field: value for field, value in row.items() if value is not None}  # not sent: not on record


def _tax_row(legal_name: str) -> dict:
    code = _credit_code(legal_name)
    return {"nsrsbh": code, "pjbh": f"{code}-2025", "fbrq": TAX_AS_OF, "xydj": TAX_RATINGS[legal_name],
            "pjnd": "2025"}


def _source(brain, operator, **fields) -> DataSource:
    with brain_context(brain.pk):
        held = DataSource.objects.in_brain(brain).filter(name=fields["name"]).first()
    if held is not None:
        return held
    # interval 0: only run by hand, so beat does not keep running a demo folder nobody drops files into
    return sync.data_source_create(brain=brain, by=operator, kind="file_drop", interval_minutes=0, **fields)


def _merge(brain, source: DataSource, rows: list[dict]) -> None:
    with brain_context(brain.pk), transaction.atomic():
        records_merge(source=source, rows=[map_row(source.mapping, row) for row in rows])


def _members(brain) -> list[tuple[int, str]]:
    with brain_context(brain.pk):
        return list(Membership.objects.in_brain(brain).filter(status=Membership.Status.ACTIVE).order_by(
            "enterprise_id").values_list("enterprise_id", "enterprise__legal_name"))


def _records(brain, operator) -> None:
    """The brain's demo members' registration and tax records, then each member's tags and decisions."""
    members = _members(brain)
    registry = _source(brain, operator, name=REGISTRATION_SOURCE, department="market_regulation",
                       record_type="registration", folder="demo/registration", mapping=REGISTRATION_MAPPING)
    _merge(brain, registry, [_registration_row(name) for _pk, name in members if name in REGISTRATIONS])
    tax = _source(brain, operator, name=TAX_SOURCE, department="tax", record_type="tax_credit", folder="demo/tax",
                  mapping=TAX_MAPPING)
    _merge(brain, tax, [_tax_row(name) for _pk, name in members if name in TAX_RATINGS])
    for enterprise_id, _name in members:
        # tags first, then the open policies again (tags are among their inputs): what a sync run is followed by
        enterprise_files.enterprise_file_changed(brain=brain, enterprise_id=enterprise_id)


def _policy(brain, operator) -> None:
    with brain_context(brain.pk):
        if Policy.objects.in_brain(brain).filter(title=POLICY["title"]).exists():
            return  # decided already; changes of a member's file re-decide it in `_records`
    policy = policies.policy_create(brain=brain, by=operator, **POLICY,
                                    apply_by=timezone.localdate() + timedelta(days=60))
    policy = policies.policy_publish(policy=policy, by=operator)
    # The task that publishing queues would do this; the demo shows the decisions without waiting for a worker.
    policies.policy_match(brain_id=brain.pk, policy_id=policy.pk)


@transaction.atomic
def load(*, brains: dict, users: dict) -> None:
    operator = users["operator"]
    for slug in ("mould", "pump-valve"):
        if slug in brains:
            _records(brains[slug], operator)
    if "mould" in brains:
        _policy(brains["mould"], operator)
