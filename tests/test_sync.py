"""Incremental sync: change times kept by the database, `updated_since`, and the keyset cursor."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from capacity.models import Part, WorkOrder
from capacity.services import projects, work_orders
from capacity.tests.conftest import operation_of
from conftest import api_as


def parts_url(brain, **params):
    return reverse("part-list", kwargs={"brain_slug": brain.slug}), params


def sync_all(client, brain, *, page_size, since="2000-01-01T00:00:00+08:00", between_pages=None):
    """Follow `next` from the first page of a sync; return every row's id in the order received."""
    url, params = parts_url(brain, updated_since=since, page_size=page_size)
    seen, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            return seen, body
        if between_pages:
            between_pages(len(seen))
        response = client.get(body["next"])


@pytest.fixture
def many_parts(project, alice, in_brain):
    """Seven parts written in one statement: they share one change time, the keyset's hardest case."""
    with in_brain(project.brain):
        Part.objects.bulk_create(Part(brain=project.brain, project=project, part_no=f"P-{n:02d}", name=f"镶件{n}",
                                      quantity=1) for n in range(7))
        return list(Part.objects.filter(project=project).order_by("pk"))


def test_it_stamps_a_change_made_by_a_queryset_update_and_not_a_save_that_changes_nothing(project, in_brain):
    with in_brain(project.brain):
        before = type(project).objects.get(pk=project.pk).updated_at
        project.save()  # the same values written back
        assert type(project).objects.get(pk=project.pk).updated_at == before
        type(project).objects.filter(pk=project.pk).update(name="空调挂机支架模具（改）")
        assert type(project).objects.get(pk=project.pk).updated_at > before


def test_every_tracked_table_has_the_trigger(db):
    from tenants.sync import tracked_tables

    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = 'ib_updated_at'")
        triggered = {row[0] for row in cursor.fetchall()}
    assert {"capacity_workorder", "capacity_part", "tenants_webhookdelivery"} <= set(tracked_tables())
    assert set(tracked_tables()) <= triggered


def test_a_sync_pages_rows_sharing_one_change_time_each_exactly_once(alice, many_parts):
    seen, last = sync_all(api_as(alice), many_parts[0].brain, page_size=3)
    assert seen == [p.pk for p in many_parts] and last["changed_until"]


def test_a_row_changed_during_a_sync_comes_again_at_the_end_and_hides_no_other(alice, many_parts, in_brain):
    first = many_parts[0]

    def change_the_first(received):
        if received == 3:
            with in_brain(first.brain):
                Part.objects.filter(pk=first.pk).update(name="型腔镶件（改）")

    seen, _ = sync_all(api_as(alice), first.brain, page_size=3, between_pages=change_the_first)
    assert seen == [p.pk for p in many_parts] + [first.pk]


def test_updated_since_leaves_out_what_did_not_change_since(alice, many_parts, in_brain):
    with in_brain(many_parts[0].brain):
        mark = timezone.now()
        Part.objects.filter(pk=many_parts[4].pk).update(quantity=2)
    seen, _ = sync_all(api_as(alice), many_parts[0].brain, page_size=50, since=mark.isoformat())
    assert seen == [many_parts[4].pk]


def test_a_work_order_changes_when_one_of_its_lines_does(mould, shop_a, accepted, in_brain):
    work_order, (cavity, pin) = accepted
    client = api_as(shop_a)
    url = reverse("work-order-list", kwargs={"brain_slug": "mould"})
    mark = timezone.now()
    assert client.get(url, {"updated_since": mark.isoformat()}).json()["results"] == []
    with in_brain(mould):
        line = work_order.lines.get(part=pin.part)
    work_orders.progress_report(line=line, operation=operation_of(pin.part, "HT"), by=shop_a, status="in_progress",
                                percent=50)
    with in_brain(mould):
        assert WorkOrder.objects.get(pk=work_order.pk).updated_at < mark, "the work order row itself did not change"
    [row] = client.get(url, {"updated_since": mark.isoformat()}).json()["results"]
    assert row["id"] == work_order.pk


@pytest.mark.parametrize("params, field", [
    ({"updated_since": "yesterday"}, "updated_since"),
    ({"updated_since": "2026-12-01T08:00:00"}, "updated_since"),  # no offset: which 08:00?
    ({"updated_since": "2026-01-01T00:00:00-22:00"}, None),  # ISO allows it, PostgreSQL does not: turned to UTC
    ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
    ({"cursor": "!!!"}, "cursor"),
])
def test_bad_sync_parameters_are_named(alice, project, params, field):
    url, _ = parts_url(project.brain)
    response = api_as(alice).get(url, params)
    if field is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400 and field in response.json()["fields"]


def test_without_sync_parameters_lists_keep_numbered_pages(alice, many_parts):
    url, _ = parts_url(many_parts[0].brain)
    body = api_as(alice).get(url, {"page_size": 5}).json()
    assert body["count"] == 7 and len(body["results"]) == 5 and "page=2" in body["next"]


def test_a_sync_sees_only_the_callers_rows(alice, shop_a, many_parts):
    seen, _ = sync_all(api_as(shop_a), many_parts[0].brain, page_size=50)
    assert seen == [], "parts are the buyer's alone"


def test_the_schema_documents_sync_on_lists_that_have_a_change_time(alice):
    schema = api_as(alice).get(reverse("schema"), {"format": "json"}).json()
    parts = schema["paths"]["/api/v1/brains/{brain_slug}/parts/"]["get"]["parameters"]
    assert {"updated_since", "cursor"} <= {p["name"] for p in parts}
    processes = schema["paths"]["/api/v1/brains/{brain_slug}/processes/"]["get"]["parameters"]
    assert "updated_since" not in {p["name"] for p in processes}


def test_a_new_part_is_in_the_next_sync(alice, project, many_parts):
    _, last = sync_all(api_as(alice), project.brain, page_size=50)
    made = projects.part_save(project=project, by=alice, part_no="NEW-1", name="新增镶件", quantity=1)
    since = (timezone.datetime.fromisoformat(last["changed_until"]) - timedelta(minutes=5)).isoformat()
    seen, _ = sync_all(api_as(alice), project.brain, page_size=50, since=since)
    assert made.pk in seen


def test_emptying_a_routing_shows_on_the_part(mould, alice, project, in_brain):
    """Deleted operations leave no change time behind: the part itself carries the change (found in review)."""
    from capacity.services import projects as project_services

    project_services.bom_rows_upsert(project=project, by=alice, rows=[
        {"part_no": "CAV-01", "name": "型腔镶件", "quantity": 1, "processes": ["CNC", "HT"]}])
    mark = timezone.now()
    project_services.bom_rows_upsert(project=project, by=alice, rows=[
        {"part_no": "CAV-01", "name": "型腔镶件", "quantity": 1, "processes": []}])
    seen, _ = sync_all(api_as(alice), project.brain, page_size=50, since=mark.isoformat())
    with in_brain(mould):
        assert seen == [Part.objects.get(project=project, part_no="CAV-01").pk]


def test_a_cursor_nested_deep_is_refused_not_a_crash(alice, project):
    import base64

    url, _ = parts_url(project.brain)
    deep = base64.urlsafe_b64encode(b"[" * 150).decode().rstrip("=")
    response = api_as(alice).get(url, {"cursor": deep})
    assert response.status_code == 400 and "cursor" in response.json()["fields"]


def test_new_rows_take_the_databases_clock(project, in_brain):
    from django.db import connection

    with in_brain(project.brain), connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        before = cursor.fetchone()[0]
        made = Part.objects.create(brain=project.brain, project=project, part_no="T-1", name="试件", quantity=1,
                                   updated_at=timezone.now() - timedelta(days=365))  # an app clock far off
        assert Part.objects.get(pk=made.pk).updated_at >= before


def test_a_list_without_change_times_says_it_cannot_be_synced(alice, project):
    response = api_as(alice).get(reverse("process-list", kwargs={"brain_slug": project.brain.slug}),
                                 {"updated_since": "2026-01-01T00:00:00+08:00"})
    assert response.status_code == 400 and "updated_since" in response.json()["fields"]
