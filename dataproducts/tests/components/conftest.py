"""Capability-centre fixtures: olga operates the mould brain; dora's enterprise is a vendor member of it; alice's
enterprise a member that installs and rates. Components are made through the services, as the pages make them."""

import pytest

from conftest import join, make_enterprise, make_user
from dataproducts.services import components
from tenants.context import brain_context
from tenants.uploads import Upload

PDF = "%PDF-1.7 模具钢热处理工艺规范".encode()
ERP = "https://erp.example.com/ib-hooks"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def vendor_ent(mould):
    enterprise = make_enterprise(31, "台州云模软件科技有限公司")
    join(mould, enterprise, roles=("supplier",))
    return enterprise


@pytest.fixture
def dora(vendor_ent):
    return make_user("dora", enterprise=vendor_ent)


def submit_app(brain, by, *, name="云模ERP连接器", price=None, offered=False, **more):
    return components.component_submit(brain=brain, by=by, kind="app", name_zh=name, name_en="ERP connector",
                                       summary_zh="把报价与工单同步到贵司ERP", webhook_url=ERP, api_scope="read",
                                       event_types=["component.listed", "rfq.invited"], install_price=price, offered_to_other_brains=offered,
                                       release_notes="首个版本", **more)


def submit_knowledge(brain, by, *, name="模具钢热处理工艺规范", content=PDF, filename="规范.pdf", **more):
    return components.component_submit(brain=brain, by=by, kind="knowledge", name_zh=name,
                                       document=Upload(name=filename, content=content), **more)


def listed(listing, operator):
    return components.listing_approve(listing=listing, by=operator)


@pytest.fixture
def app(mould, dora, olga):
    return listed(submit_app(mould, dora), olga)


@pytest.fixture
def knowledge(mould, olga):
    return listed(submit_knowledge(mould, olga), olga)
