"""The sync engine against the fake registry on a real port: counts, watermark, faults, as-of, priorities,
tombstones, quarantine."""

from datetime import timedelta

import pytest

from brain import fake_registry
from brain.models import DataSource, PublicRecord, QuarantinedRecord, SyncRun
from brain.services import sync
from brain.sync.engine import parse_instant, sync_run_execute
from brain.tests.conftest import http_source
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed


def run(source, **kwargs) -> SyncRun:
    made = sync_run_execute(brain_id=source.brain_id, source_id=source.pk, **kwargs)
    assert made is not None
    return made


def fresh(source) -> DataSource:
    with brain_context(source.brain_id):
        return DataSource.objects.get(pk=source.pk)


def record(code, record_type="registration", record_id=None) -> PublicRecord:
    return PublicRecord.objects.get(credit_code=code, record_type=record_type, record_id=record_id or code)


def test_it_syncs_every_page_with_the_token_and_reconciles(source, registry):
    done = run(source)
    assert done.status == "succeeded", done.error
    assert (done.rows_read, done.inserted, done.updated, done.unchanged, done.rejected) == (120, 116, 0, 0, 4)
    assert done.reconciled and done.batches == 1
    assert [r["query"]["page"] for r in registry.requests] == ["1", "2", "3"]
    assert {r["auth"] for r in registry.requests} == {f"Bearer {registry.token}"}
    assert PublicRecord.objects.count() == 116
    first = registry.rows[0]
    held = record(first["tyshxydm"])
    assert held.values["legal_name"] == first["qymc"] and held.facts["legal_name"]["p"] == 50
    assert held.facts["registered_capital"]["p"] == 0  # not authoritative for it
    assert fresh(source).watermark == parse_instant(registry.rows[-1]["gxsj"])


def test_bad_credit_codes_are_quarantined_with_the_reason_and_the_good_rows_go_on(source, registry):
    done = run(source)
    with brain_context(source.brain_id):
        bad = list(QuarantinedRecord.objects.filter(run=done).order_by("position"))
    assert sorted(q.reason_code for q in bad) == ["credit_code_check", "credit_code_check", "credit_code_malformed",
                                                  "credit_code_malformed"]
    wrong = next(q for q in bad if q.reason_code == "credit_code_check")
    assert wrong.payload["qymc"] and wrong.credit_code and wrong.position.startswith("p")
    assert "GB 32100-2015" in wrong.reason


def test_a_rerun_of_the_same_data_changes_nothing(source, registry):
    run(source)
    before = {r.pk: (r.facts, r.changed_at) for r in PublicRecord.objects.all()}
    sync.data_source_update(source=fresh(source), by=source.created_by, reset_watermark=True)
    again = run(source)
    assert (again.rows_read, again.inserted, again.updated, again.unchanged, again.rejected) == (120, 0, 0, 116, 4)
    assert {r.pk: (r.facts, r.changed_at) for r in PublicRecord.objects.all()} == before
    with brain_context(source.brain_id):
        assert QuarantinedRecord.objects.count() == 4  # seen twice, kept once
        assert set(QuarantinedRecord.objects.values_list("times_seen", flat=True)) == {2}


def test_the_next_run_asks_from_the_watermark_less_the_look_back_and_misses_no_row_sharing_it(source, registry):
    run(source)
    watermark = fresh(source).watermark
    last = registry.rows[-1]
    # Two rows the registry committed late: one with the very cursor value of the last row, one a minute older.
    twin = {**last, "id": 9001, "tyshxydm": fake_registry.code_for(9001, "331003"), "qymc": "台州市黄岩迟到模具有限公司"}
    older = {**twin, "id": 9002, "tyshxydm": fake_registry.code_for(9002, "331003"),
             "gxsj": (parse_instant(last["gxsj"]) + timedelta(hours=8, minutes=-1)).strftime("%Y-%m-%d %H:%M:%S")}
    registry.rows += [twin, older]
    registry.requests.clear()
    second = run(source)
    since = parse_instant(registry.requests[0]["query"]["updated_since"])
    assert since == watermark - timedelta(minutes=10) == second.since
    assert second.inserted == 2 and second.reconciled
    assert record(twin["tyshxydm"]).values["legal_name"] == "台州市黄岩迟到模具有限公司"
    assert PublicRecord.objects.filter(credit_code=older["tyshxydm"]).exists()
    assert fresh(source).watermark == watermark  # the late rows are not newer than it


def test_timeouts_bad_pages_and_repeats_are_survived_and_noted(source, registry):
    registry.timeout_pages = {1: 1}
    registry.error_pages = {2: 2}
    registry.html_pages = {3: 1}
    registry.repeat_across_pages = True
    done = run(source)
    assert done.status == "succeeded", done.error
    assert [(f["page"], f["error"]) for f in done.faults] == [(1, "timeout"), (2, "HTTP 500"), (2, "HTTP 500"),
                                                             (3, "not JSON")]
    assert done.rows_read == 122 and done.reconciled
    assert (done.inserted, done.unchanged, done.rejected) == (116, 2, 4)  # the two repeats merged once
    assert PublicRecord.objects.count() == 116


def test_a_page_still_bad_after_the_retries_fails_the_run_and_keeps_what_was_durable(source, registry):
    registry.error_pages = {3: 99}
    failed = run(source, batch_size=50)
    assert failed.status == "failed" and "3" in failed.error and "HTTP 500" in failed.error  # in any language
    assert failed.batches == 2 and failed.rows_read == 100 and failed.reconciled
    watermark = fresh(source).watermark
    assert watermark == parse_instant(registry.rows[99]["gxsj"]) == failed.watermark_to
    registry.error_pages = {}
    registry.requests.clear()
    resumed = run(source, batch_size=50)
    assert resumed.status == "succeeded"
    assert registry.requests[0]["query"]["updated_since"] == (watermark - timedelta(minutes=10)).isoformat()
    assert PublicRecord.objects.count() == 116


def test_a_refused_token_fails_at_once(source, registry):
    registry.token = "rotated"
    failed = run(source)
    assert failed.status == "failed" and "401" in failed.error and len(registry.requests) == 1


# --- as-of, priorities, tombstones: one registry row at a time --------------------------------------------------


def row(code, when, **fields):
    return {"id": 1, "tyshxydm": code, "qymc": "台州市黄岩精诚模具有限公司", "gxsj": when, "scbz": "0", **fields}


@pytest.fixture
def code():
    return fake_registry.code_for(4242, "331003")


def test_an_older_value_arriving_later_does_not_replace_a_newer_one(source, registry, code):
    registry.rows = [row(code, "2026-03-02 10:00:00", qymc="新名称模具有限公司")]
    run(source)
    registry.rows = [row(code, "2026-03-01 10:00:00", qymc="旧名称模具有限公司")]
    sync.data_source_update(source=fresh(source), by=source.created_by, reset_watermark=True)
    late = run(source)
    assert (late.updated, late.unchanged) == (0, 1)
    held = record(code)
    assert held.values["legal_name"] == "新名称模具有限公司"
    assert parse_instant(held.facts["legal_name"]["t"]) == parse_instant("2026-03-02 10:00:00")


def test_an_authoritative_source_wins_its_attributes_whatever_the_dates(mould, olga, source, registry, code):
    registry.rows = [row(code, "2026-03-01 10:00:00", qymc="登记名称有限公司", zczb="500万元人民币")]
    run(source)
    tax = http_source(mould, olga, registry, name="税务局纳税信用", department="tax",
                      mapping={**fake_registry.MAPPING, "attributes": {"legal_name": "qymc", "registered_capital": "zczb",
                                                                        "tax_credit_rating": "nsxydj"}},
                      authoritative_for=["tax_credit_rating"], priority=40)
    registry.rows = [row(code, "2026-05-01 10:00:00", qymc="税务口径名称", zczb="800万元人民币", nsxydj="A")]
    run(tax)
    held = record(code)
    assert held.values["legal_name"] == "登记名称有限公司"  # registry: authoritative, priority 50
    assert held.values["registered_capital"] == "800万元人民币"  # neither is: the newer value
    assert held.values["tax_credit_rating"] == "A" and held.facts["tax_credit_rating"]["s"] == tax.pk


def test_a_tombstone_deletes_fences_off_older_values_and_a_newer_one_brings_it_back(source, registry, code):
    registry.rows = [row(code, "2026-03-01 10:00:00")]
    run(source)
    registry.rows = [row(code, "2026-04-01 10:00:00", scbz="1")]
    deleted = run(source)
    assert deleted.deleted == 1 and deleted.reconciled
    assert record(code).is_deleted
    registry.rows = [row(code, "2026-03-15 10:00:00", qymc="删除前的名称")]  # older than the tombstone
    sync.data_source_update(source=fresh(source), by=source.created_by, reset_watermark=True)
    stale = run(source)
    assert stale.unchanged == 1 and record(code).is_deleted
    registry.rows = [row(code, "2026-06-01 10:00:00", qymc="重新登记模具有限公司")]
    run(source)
    back = record(code)
    assert not back.is_deleted and back.values["legal_name"] == "重新登记模具有限公司"
    assert set(back.values) == {"legal_name"}  # nothing from before the deletion survives


def test_a_key_sent_twice_in_one_batch_is_merged_in_order(source, registry, code):
    registry.rows = [row(code, "2026-03-01 10:00:00", qymc="第一版", fddbr="王建国"),
                     {**row(code, "2026-03-02 10:00:00", qymc="第二版"), "id": 2}]
    done = run(source)
    assert (done.inserted, done.updated, done.rows_read) == (1, 1, 2)
    assert record(code).values == {"legal_name": "第二版", "legal_representative": "王建国"}


# --- quarantine decisions -----------------------------------------------------------------------------------


def test_a_quarantined_row_is_retried_with_a_corrected_code_or_dismissed(source, registry, olga):
    run(source)
    with brain_context(source.brain_id):
        wrong, other, *_ = QuarantinedRecord.objects.filter(reason_code="credit_code_check").order_by("id")
    with pytest.raises(DomainError) as refused:
        sync.quarantined_record_retry(record=wrong, by=olga)
    assert refused.value.code == "credit_code_check"
    fixed = wrong.credit_code[:17] + fake_registry.credit_code.check_character(wrong.credit_code[:17])
    sync.quarantined_record_retry(record=wrong, by=olga, credit_code=fixed)
    assert record(fixed).values["legal_name"] == wrong.payload["qymc"]
    sync.quarantined_record_dismiss(record=other, by=olga)
    with brain_context(source.brain_id):
        assert dict(QuarantinedRecord.objects.values_list("pk", "status")) | {} == {
            **{q.pk: q.status for q in QuarantinedRecord.objects.all()}, wrong.pk: "resolved", other.pk: "dismissed"}
    with pytest.raises(DomainError):
        sync.quarantined_record_retry(record=wrong, by=olga, credit_code=fixed)


def test_only_operators_manage_sources(mould, alice, registry):
    with pytest.raises(NotAllowed):
        http_source(mould, alice, registry)


def test_a_file_drop_folder_is_read_and_may_not_leave_the_drop_folder(mould, olga, settings):
    folder = settings.GOV_DATA_DROP_DIR / "tax" / "taizhou"
    folder.mkdir(parents=True)
    good = fake_registry.code_for(7, "331003")
    (folder / "2026-03.csv").write_text(
        "tyshxydm,nsrmc,pjnd,xydj\n"
        f"{good},台州市黄岩精诚模具有限公司,2025-12-31,A\n"
        "91331003MA0000001X,坏代码公司,2025-12-31,B\n", encoding="utf-8")
    (folder / "2026-04.json").write_text(
        f'[{{"tyshxydm": "{good}", "nsrmc": "台州市黄岩精诚模具有限公司", "pjnd": "2024-12-31", "xydj": "B"}}]',
        encoding="utf-8")
    mapping = {"credit_code": "tyshxydm", "as_of": "pjnd", "attributes": {"tax_credit_rating": "xydj",
                                                                          "legal_name": "nsrmc"}}
    source = sync.data_source_create(brain=mould, by=olga, name="纳税信用等级", kind="file_drop",
                                     department="tax", record_type="tax_credit", folder="tax/taizhou",
                                     mapping=mapping, authoritative_for=["tax_credit_rating"])
    done = run(source)
    assert (done.rows_read, done.inserted, done.unchanged, done.rejected) == (3, 1, 1, 1), done.error
    assert record(good, "tax_credit").values["tax_credit_rating"] == "A"  # 2025's rating, not 2024's
    assert fresh(source).watermark == parse_instant("2025-12-31")
    with pytest.raises(DomainError) as refused:
        sync.data_source_create(brain=mould, by=olga, name="越界", kind="file_drop", department="tax",
                                record_type="tax_credit", folder="../../etc", mapping=mapping)
    assert refused.value.field == "folder"


def test_two_sources_agreeing_on_a_value_of_the_same_date_is_no_change(mould, olga, source, registry, code):
    registry.rows = [row(code, "2026-03-01 10:00:00", zczb="500万元人民币")]
    run(source)
    other = http_source(mould, olga, registry, name="第二个登记接口", authoritative_for=[], priority=10)
    same = run(other)
    assert (same.updated, same.unchanged) == (0, 1)
    registry.rows = [row(code, "2026-03-01 10:00:00", zczb="600万元人民币")]  # same date, another value
    sync.data_source_update(source=fresh(other), by=olga, reset_watermark=True)
    tie = run(other)
    assert tie.updated == 1 and record(code).facts["registered_capital"]["s"] == other.pk  # the higher source id
