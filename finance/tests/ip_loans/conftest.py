"""IP-pledge loan fixtures: 凯华模具 (a mould maker with patents on record) borrows from 泰隆银行, a bank member of the
mould brain; 台州银行 is a second bank that must see nothing of it; alice is a member with no part in it."""

from datetime import date

import pytest
from django.utils import timezone

from brain.models import PublicRecord
from conftest import join, make_enterprise, make_user
from finance.models import IpLoanApplication
from finance.services import ip_loans
from tenants.context import brain_context

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64

PATENTS = {  # number -> (title, kind, granted on)
    "ZL202310001234.5": ("一种注塑模具随形冷却水路结构", "发明", "2024-03-12"),
    "ZL202220555666.1": ("一种模具快速换模定位装置", "实用新型", "2022-11-08"),
    "ZL202120777888.3": ("一种汽车保险杠模具顶出机构", "实用新型", "2021-09-30"),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fact(value):
    return {"v": value, "t": "2026-10-15T09:00:00+08:00", "s": None, "p": 0}


def patent_records(enterprise, patents=PATENTS):
    """The intellectual property office's records of `enterprise`'s patents, as a sync would have merged them."""
    for number, (title, kind, granted_on) in patents.items():
        PublicRecord.objects.update_or_create(
            credit_code=enterprise.credit_code, record_type="patent", record_id=number,
            defaults={"facts": {"title": fact(title), "kind": fact(kind), "granted_on": fact(granted_on)}})


@pytest.fixture
def kaihua(mould):
    """The applicant's administrator; its enterprise has three patents on record."""
    enterprise = make_enterprise(61, "浙江黄岩凯华模具有限公司")
    join(mould, enterprise, roles=("buyer", "supplier"))
    patent_records(enterprise)
    return make_user("kaihua", enterprise=enterprise)


@pytest.fixture
def clerk(kaihua):
    """A member (not an administrator) of the applicant."""
    return make_user("kaihua-clerk", enterprise=kaihua.enterprise, role="member")


@pytest.fixture
def bank(mould):
    """The bank's loan officer (a member, not its administrator: any user of the bank acts for it)."""
    enterprise = make_enterprise(62, "浙江泰隆商业银行台州分行")
    join(mould, enterprise, roles=("financier",))
    make_user("tailong-admin", enterprise=enterprise)
    return make_user("tailong", enterprise=enterprise, role="member")


@pytest.fixture
def other_bank(mould):
    enterprise = make_enterprise(63, "台州银行黄岩支行")
    join(mould, enterprise, roles=("financier",))
    return make_user("tzbank", enterprise=enterprise)


def apply(user, bank, brain, *, patents=("ZL202310001234.5", "ZL202220555666.1"), amount="3000000.00", term=24):
    return ip_loans.ip_loan_apply(brain=brain, by=user, bank_id=bank.enterprise_id, amount=amount, term_months=term,
                                  purpose="购置五轴加工中心，扩大精密模具产能", patents=list(patents))


@pytest.fixture
def applied(kaihua, bank, mould) -> IpLoanApplication:
    return apply(kaihua, bank, mould)


@pytest.fixture
def approved(applied, bank) -> IpLoanApplication:
    return ip_loans.ip_loan_approve(application=applied, by=bank, amount="2000000.00", apr="3.45", term_months=12,
                                    repayment_method="equal_instalments")


@pytest.fixture
def registered(approved, bank) -> IpLoanApplication:
    return ip_loans.ip_loan_pledge_register(application=approved, by=bank, registration_number="Y2026330000123",
                                            registered_on=timezone.localdate())


@pytest.fixture
def active(registered, bank) -> IpLoanApplication:
    return ip_loans.ip_loan_disburse(application=registered, by=bank)


def fresh(application):
    with brain_context(application.brain_id):
        return IpLoanApplication.objects.get(pk=application.pk)


def instalments(application):
    with brain_context(application.brain_id):
        return list(application.instalments.order_by("sequence"))


def today() -> date:
    return timezone.localdate()
