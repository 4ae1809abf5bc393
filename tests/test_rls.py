"""Row-Level Security: the database itself keeps brains apart, whatever the ORM forgets."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count
from django.db.utils import ProgrammingError

from tenants.context import brain_context, cross_brain, enter_brain, set_identity
from tenants.models import BrainOwned, OutboxEvent
from tenants.outbox import event_record


def models_with_a_brain_column():
    return [
        model for model in apps.get_models()
        if any(field.column == "brain_id" for field in model._meta.concrete_fields)
    ]


def test_the_application_role_is_subject_to_rls(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_table_with_a_brain_column_has_rls_enabled_and_forced(db):
    models = models_with_a_brain_column()
    assert len(models) >= 5  # the enumeration itself found the tenant tables
    with connection.cursor() as cursor:
        for model in models:
            assert issubclass(model, BrainOwned), f"{model.__name__} has brain_id but is not BrainOwned"
            assert not model._meta.get_field("brain").null
            cursor.execute(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
                [model._meta.db_table],
            )
            assert cursor.fetchone() == (True, True), model._meta.db_table
            cursor.execute("SELECT policyname, cmd FROM pg_policies WHERE tablename = %s ORDER BY policyname",
                           [model._meta.db_table])
            assert cursor.fetchall() == [("brain_read", "SELECT"), ("brain_write", "ALL")]


def _raw_count(table, brain_id=None):
    with transaction.atomic(), connection.cursor() as cursor:
        if brain_id is not None:
            enter_brain(brain_id)
        cursor.execute(f"SELECT brain_id, count(*) FROM {table} GROUP BY brain_id")
        counts = dict(cursor.fetchall())
        if brain_id is not None:
            enter_brain(None)
        return counts


@pytest.fixture
def rows_in_both_brains(mould, pump, alice_ent, charlie_ent):
    """Rows of every table the tests below read, in both brains and in different numbers: processes and
    memberships come with the brains and enterprises; outbox events are written here, as a service would."""
    for brain, names in ((mould, ["rfq.published", "rfq.closed"]), (pump, ["group_buy.opened"])):
        with brain_context(brain.pk):
            for name in names:
                event_record(brain_id=brain.pk, name=name, payload={"id": 1})
    with cross_brain(reason="test assertion"):  # the rows are there: an empty answer below is RLS, not no data
        assert dict(OutboxEvent.objects.values_list("brain_id").annotate(n=Count("id"))) == {mould.pk: 2, pump.pk: 1}
    return mould, pump


@pytest.mark.parametrize("table", ["tenants_process", "tenants_membership", "tenants_outboxevent"])
def test_raw_sql_in_brain_a_sees_no_row_of_brain_b(rows_in_both_brains, table):
    mould, pump = rows_in_both_brains
    assert set(_raw_count(table, mould.pk)) == {mould.pk}
    assert set(_raw_count(table, pump.pk)) == {pump.pk}


def test_raw_sql_sees_exactly_the_entered_brains_outbox_events(rows_in_both_brains):
    mould, pump = rows_in_both_brains
    assert _raw_count("tenants_outboxevent", mould.pk) == {mould.pk: 2}
    assert _raw_count("tenants_outboxevent", pump.pk) == {pump.pk: 1}


@pytest.mark.parametrize("table", ["tenants_process", "tenants_membership", "tenants_outboxevent"])
def test_with_no_brain_set_nothing_is_visible(rows_in_both_brains, table):
    assert _raw_count(table) == {}


def test_a_row_for_brain_b_cannot_be_written_from_brain_a(mould, pump):
    with pytest.raises(ProgrammingError, match="row-level security"):
        with transaction.atomic(), connection.cursor() as cursor:
            enter_brain(mould.pk)
            cursor.execute(
                "INSERT INTO tenants_process (brain_id, code, name_zh, name_en, sort_order) "
                "VALUES (%s, 'X', '偷', 'steal', 0)", [pump.pk],
            )


def test_an_update_from_brain_a_cannot_touch_brain_b(mould, pump, everywhere):
    with transaction.atomic(), connection.cursor() as cursor:
        enter_brain(mould.pk)
        cursor.execute("UPDATE tenants_process SET name_zh = '改' WHERE brain_id = %s", [pump.pk])
        assert cursor.rowcount == 0
        enter_brain(None)


def test_an_enterprise_sees_its_own_memberships_in_every_brain_and_no_others(mould, pump, alice_ent, charlie_ent):
    from conftest import join

    join(pump, alice_ent, roles=("supplier",))
    with transaction.atomic(), connection.cursor() as cursor:
        set_identity(user_id=None, enterprise_id=alice_ent.pk)
        cursor.execute("SELECT DISTINCT enterprise_id, brain_id FROM tenants_membership ORDER BY brain_id")
        rows = cursor.fetchall()
        set_identity(user_id=None, enterprise_id=None)
    assert rows == sorted([(alice_ent.pk, mould.pk), (alice_ent.pk, pump.pk)], key=lambda r: r[1])


@pytest.mark.django_db(transaction=True)
def test_the_setting_ends_with_the_transaction(mould, alice_ent):
    with transaction.atomic():
        enter_brain(mould.pk)
    assert _raw_count("tenants_membership") == {}


def test_entering_a_brain_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="transaction"):
        enter_brain(1)


@pytest.mark.parametrize("statement", [
    "DELETE FROM tenants_membership WHERE brain_id = %(pump)s",
    "UPDATE tenants_membership SET note = 'x' WHERE brain_id = %(pump)s",
    "UPDATE tenants_membership SET brain_id = %(mould)s WHERE brain_id = %(pump)s",
])
def test_rows_visible_through_ones_own_enterprise_are_still_not_writable(mould, pump, alice_ent, statement,
                                                                         everywhere):
    """alice's enterprise sees its pump-valve membership from anywhere, but may change it only in that brain."""
    from conftest import join
    from tenants.models import Membership

    join(pump, alice_ent, roles=("supplier",))
    with transaction.atomic(), connection.cursor() as cursor:
        enter_brain(mould.pk)
        set_identity(user_id=None, enterprise_id=alice_ent.pk)
        cursor.execute("SELECT count(*) FROM tenants_membership WHERE brain_id = %s", [pump.pk])
        assert cursor.fetchone()[0] == 1  # visible
        cursor.execute(statement % {"pump": pump.pk, "mould": mould.pk})
        assert cursor.rowcount == 0  # but not writable
        enter_brain(None)
        set_identity(user_id=None, enterprise_id=None)
    with everywhere():
        assert Membership.objects.get(brain=pump, enterprise=alice_ent).note == ""


def test_a_users_own_notifications_elsewhere_cannot_be_deleted_from_here(mould, pump, alice, everywhere):
    from tenants.models import Notification

    with brain_context(pump.pk):
        Notification.objects.create(brain=pump, user=alice, kind="membership.admitted")
    with transaction.atomic(), connection.cursor() as cursor:
        enter_brain(mould.pk)
        set_identity(user_id=alice.pk, enterprise_id=None)
        cursor.execute("DELETE FROM tenants_notification")
        assert cursor.rowcount == 0
        enter_brain(None)
        set_identity(user_id=None, enterprise_id=None)
    with everywhere():
        assert Notification.objects.filter(user=alice).count() == 1

