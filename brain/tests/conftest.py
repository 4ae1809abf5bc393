"""Government-data fixtures: the fake registry on a real local port, and sources of the mould brain."""

import pytest

from brain import fake_registry
from brain.models import DataSource
from brain.services import sync
from tenants.context import brain_context


@pytest.fixture(autouse=True)
def _quick_retries(settings, tmp_path):
    settings.GOV_SYNC_RETRY_BASE_SECONDS = 0.01
    settings.GOV_DATA_DROP_DIR = tmp_path / "drop"
    (tmp_path / "drop").mkdir()


@pytest.fixture
def registry():
    with fake_registry.FakeRegistry(fake_registry.registry_rows(120, bad_every=30)) as server:
        server.timeout_delay = 1.0
        yield server


def http_source(brain, by, registry, **overrides):
    values = {
        "name": "市场监管局企业登记信息", "kind": "http_json", "department": "market_regulation",
        "record_type": "registration", "url": registry.url, "token": registry.token,
        "mapping": fake_registry.MAPPING, "options": {"page_size": 50, "timeout": 0.5, "retries": 3},
        "authoritative_for": ["legal_name", "status", "legal_representative"], "priority": 50,
        "interval_minutes": 60, "lookback_minutes": 10,
    }
    values.update(overrides)
    return sync.data_source_create(brain=brain, by=by, **values)


@pytest.fixture
def source(mould, olga, registry):
    return http_source(mould, olga, registry)


@pytest.fixture
def registry_source(mould, olga):
    """The mould brain's registry source, as public records name it (file drop: no run needs it)."""
    with brain_context(mould.pk):
        return DataSource.objects.create(
            brain=mould, created_by=olga, name="市场监管局企业登记信息", kind="file_drop",
            department="market_regulation", record_type="registration", folder="registration",
            mapping={"credit_code": "tyshxydm", "as_of": "gxsj"})
