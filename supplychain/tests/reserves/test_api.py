"""The joint-reserve API: operators set up, stock, commit shares, record prices, receive, cancel and close;
members draw (an ERP with its key too, safely retried); who sees what; errors name their field."""

from datetime import timedelta
from functools import partial
from decimal import Decimal as D

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import api_as
from supplychain.models import Drawdown, Replenishment, Reserve, ReserveShare
from supplychain.tests.conftest import open_replenishment, stocked_reserve
from tenants.context import brain_context
from tenants.services import api_keys as tenant_services
from tests import support

SLUG = "pump-valve"


url = partial(support.url, brain=SLUG)  # every call here is in the pump-valve brain


CREATE = {"title": "304不锈钢卷联储", "material_grade": "06Cr19Ni10 (304)", "specification": "2B 冷轧卷 δ2.0",
          "unit": "t", "base_price": "15800.00", "base_reference_price": "14500.00", "pass_through_percent": "80",
          "surcharge_percent": "5", "vat_rate": "13", "prices_include_vat": True, "replenish_threshold": "20",
          "replenish_to": "60"}


def created(client, steel, **extra):
    response = client.post(url("reserve-list"), {**CREATE, "supplier": steel.enterprise_id, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_operator_sets_up_a_reserve_and_receives_its_first_stock(pump, pete, steel):
    client = api_as(pete)
    reserve = created(client, steel)
    assert (reserve["number"][:3], reserve["status"], reserve["stock"], reserve["unit_price"],
            reserve["beyond_unit_price"], reserve["reference_price"], reserve["replenishing"],
            reserve["supplier_name"], reserve["my_share"]) == (
        "JR-", "active", "0.000", "15800.00", "16590.00", None, True, "浙江钱江钢材贸易有限公司", None)
    [order] = client.get(url("reserve-replenishment-list"), {"reserve": reserve["id"]}).json()["results"]
    assert (order["status"], order["quantity"], order["supplier"]) == ("open", "60.000", steel.enterprise_id)
    received = client.post(url("reserve-replenishment-receive", order["id"]),
                           {"quantity": "60", "unit_cost": "15000.00", "note_number": "QJ-2026-0001"}, format="json")
    assert received.status_code == 200, received.content
    assert (received.json()["status"], received.json()["net"], received.json()["vat"]) == (
        "received", "796460.18", "103539.82")
    again = client.get(url("reserve-detail", reserve["id"])).json()
    assert again["stock"] == "60.000" and again["replenishing"] is False


@pytest.mark.parametrize("change, field", [
    ({"replenish_to": "20"}, "replenish_to"),
    ({"base_price": "abc"}, "base_price"),
    ({"base_price": "0"}, "base_price"),
    ({"pass_through_percent": "150"}, "pass_through_percent"),
    ({"title": ""}, "title"),
    ({"supplier": 10**9}, "supplier"),
])
def test_bad_terms_answer_400_naming_the_field_and_make_nothing(pump, pete, steel, change, field):
    response = api_as(pete).post(url("reserve-list"), {**CREATE, "supplier": steel.enterprise_id, **change}, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.json()
    with brain_context(pump.pk):
        assert not Reserve.objects.exists()


def test_members_may_not_set_up_close_commit_record_or_receive(steel_reserve, dongfang, steel):
    client = api_as(dongfang)
    assert client.post(url("reserve-list"), {**CREATE, "supplier": steel.enterprise_id}, format="json").status_code == 403
    assert client.post(url("reserve-close", steel_reserve.pk), format="json").status_code == 403
    assert client.post(url("reserve-share-list"), {"reserve": steel_reserve.pk, "member": dongfang.enterprise_id,
                                              "committed": "99"}, format="json").status_code == 403
    assert client.post(url("reserve-reference-price-list"), {
        "reserve": steel_reserve.pk, "value": "1.00", "quoted_on": timezone.localdate().isoformat(),
        "source": "自报"}, format="json").status_code == 403
    with brain_context(steel_reserve.brain_id):
        assert Reserve.objects.get(pk=steel_reserve.pk).status == "active"
        assert ReserveShare.objects.get(reserve=steel_reserve, member_id=dongfang.enterprise_id).committed == 20


def test_shares_are_committed_201_and_changed_200(pump, pete, steel, lio):
    reserve = stocked_reserve(pump, pete, steel)
    client = api_as(pete)
    body = {"reserve": reserve.pk, "member": lio.enterprise_id, "committed": "10"}
    first = client.post(url("reserve-share-list"), body, format="json")
    assert first.status_code == 201 and first.json()["remaining"] == "10.000"
    changed = client.post(url("reserve-share-list"), {**body, "committed": "12.5"}, format="json")
    assert changed.status_code == 200 and changed.json()["id"] == first.json()["id"]
    assert changed.json()["committed"] == "12.500" and changed.json()["member_name"] == "浙江温岭利欧阀门制造有限公司"
    refused = client.post(url("reserve-share-list"), {**body, "member": 10**9}, format="json")
    assert refused.status_code == 400 and "member" in refused.json()["fields"]


def test_a_member_draws_within_and_beyond_its_share_at_the_recorded_price(steel_reserve, pete, dongfang, songmen):
    operator = api_as(pete)
    recorded = operator.post(url("reserve-reference-price-list"), {
        "reserve": steel_reserve.pk, "value": "15225.00", "quoted_on": timezone.localdate().isoformat(),
        "source": "上海有色网 304/2B 冷轧卷 无锡现货"}, format="json")
    assert recorded.status_code == 201 and recorded.json()["unit_price"] == "16432.00"
    member = api_as(dongfang)
    response = member.post(url("reserve-drawdown-list"), {"reserve": steel_reserve.pk, "quantity": "25",
                                                     "note": "3# 车间阀体"}, format="json")
    assert response.status_code == 201, response.content
    drawn = response.json()
    assert (drawn["within_share"], drawn["beyond_share"], drawn["unit_price"], drawn["beyond_unit_price"],
            drawn["surcharge"], drawn["total"], drawn["reference_price"], drawn["member"]) == (
        "20.000", "5.000", "16432.00", "17253.60", "4108.00", "414908.00", recorded.json()["id"],
        dongfang.enterprise_id)
    reserve = member.get(url("reserve-detail", steel_reserve.pk)).json()
    assert reserve["stock"] == "35.000" and reserve["reference_price"] == "15225.00"
    assert reserve["my_share"] == {"committed": "20.000", "drawn": "20.000", "drawn_beyond": "5.000",
                                   "remaining": "0.000"}
    assert reserve["committed_total"] == "45.000" and reserve["participants"] == 3
    # each member sees its own draws and share only; the operator sees all
    assert [d["id"] for d in member.get(url("reserve-drawdown-list")).json()["results"]] == [drawn["id"]]
    other = api_as(songmen)
    assert other.get(url("reserve-drawdown-list")).json()["count"] == 0
    assert other.get(url("reserve-drawdown-detail", drawn["id"])).status_code == 404
    assert [s["member"] for s in other.get(url("reserve-share-list")).json()["results"]] == [songmen.enterprise_id]
    assert other.get(url("reserve-detail", steel_reserve.pk)).json()["my_share"]["remaining"] == "15.000"
    assert operator.get(url("reserve-share-list"), {"reserve": steel_reserve.pk}).json()["count"] == 3
    assert operator.get(url("reserve-drawdown-list"), {"member": dongfang.enterprise_id}).json()["count"] == 1


@pytest.mark.parametrize("quantity, status, code", [
    ("61", 400, "insufficient_stock"),
    ("36", 400, "beyond_share_unavailable"),  # 20 of its share + 16, but only 15 t are free of others' shares
    ("0", 400, "invalid"),
    ("1.0001", 400, "max_decimal_places"),
])
def test_refused_draws_say_why_on_the_quantity_and_draw_nothing(steel_reserve, dongfang, quantity, status, code):
    response = api_as(dongfang).post(url("reserve-drawdown-list"), {"reserve": steel_reserve.pk, "quantity": quantity},
                                     format="json")
    assert response.status_code == status and response.json()["code"] == code, response.json()
    assert "quantity" in response.json()["fields"]
    with brain_context(steel_reserve.brain_id):
        assert Reserve.objects.get(pk=steel_reserve.pk).stock == 60 and not Drawdown.objects.exists()


def test_a_member_without_a_share_and_an_unknown_reserve(steel_reserve, pump, steel):
    from conftest import join, make_enterprise, make_user

    outsider = make_user("xinjie", enterprise=make_enterprise(46, "温岭市新界泵业股份有限公司", region="331081"))
    join(pump, outsider.enterprise, roles=("buyer",))
    client = api_as(outsider)
    response = client.post(url("reserve-drawdown-list"), {"reserve": steel_reserve.pk, "quantity": "1"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "no_share"
    response = client.post(url("reserve-drawdown-list"), {"reserve": 10**9, "quantity": "1"}, format="json")
    assert response.status_code == 400 and "reserve" in response.json()["fields"]


def test_an_erps_draw_with_an_idempotency_key_is_made_once(steel_reserve, dongfang, pump):
    secret = tenant_services.api_key_create(by=dongfang, name="ERP", scope="write", brains=[pump]).secret
    erp = APIClient()
    erp.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    body = {"reserve": steel_reserve.pk, "quantity": "4.5"}
    first = erp.post(url("reserve-drawdown-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="erp-draw-0001")
    again = erp.post(url("reserve-drawdown-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="erp-draw-0001")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    with brain_context(pump.pk):
        assert Drawdown.objects.count() == 1 and Reserve.objects.get(pk=steel_reserve.pk).stock == D("55.5")


def test_replenishments_are_the_operators_and_their_suppliers(steel_reserve, pete, dongfang, songmen, steel):
    for user, quantity in ((dongfang, "20"), (songmen, "21")):
        api_as(user).post(url("reserve-drawdown-list"), {"reserve": steel_reserve.pk, "quantity": quantity}, format="json")
    opened = open_replenishment(steel_reserve)
    assert api_as(dongfang).get(url("reserve-replenishment-list")).json()["count"] == 0
    assert api_as(dongfang).get(url("reserve-replenishment-detail", opened.pk)).status_code == 404
    supplier = api_as(steel)
    listed = supplier.get(url("reserve-replenishment-list"), {"status": "open"}).json()["results"]
    assert [(r["id"], r["quantity"], r["stock_at_opening"]) for r in listed] == [(opened.pk, "41.000", "19.000")]
    refused = supplier.post(url("reserve-replenishment-receive", opened.pk),
                            {"quantity": "41", "unit_cost": "1.00", "note_number": "X"}, format="json")
    assert refused.status_code == 403
    over = api_as(pete).post(url("reserve-replenishment-receive", opened.pk),
                             {"quantity": "41.5", "unit_cost": "15000.00", "note_number": "QJ-2"}, format="json")
    assert over.status_code == 400 and over.json()["code"] == "over_receipt" and "quantity" in over.json()["fields"]
    with brain_context(steel_reserve.brain_id):
        assert Replenishment.objects.get(pk=opened.pk).status == "open"


def test_closing_after_the_open_replenishment_is_cancelled(steel_reserve, pete, dongfang, songmen):
    for user, quantity in ((dongfang, "20"), (songmen, "21")):
        api_as(user).post(url("reserve-drawdown-list"), {"reserve": steel_reserve.pk, "quantity": quantity}, format="json")
    client = api_as(pete)
    refused = client.post(url("reserve-close", steel_reserve.pk), format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "replenishment_open"
    opened = open_replenishment(steel_reserve)
    blank = client.post(url("reserve-replenishment-cancel", opened.pk), {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    cancelled = client.post(url("reserve-replenishment-cancel", opened.pk), {"reason": "钢厂检修"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    closed = client.post(url("reserve-close", steel_reserve.pk), format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.get(url("reserve-list"), {"status": "closed"}).json()["count"] == 1
    late = api_as(dongfang).post(url("reserve-drawdown-list"), {"reserve": steel_reserve.pk, "quantity": "1"},
                                 format="json")
    assert late.status_code == 400 and late.json()["code"] == "reserve_closed"


def test_reference_prices_before_the_latest_are_refused_on_their_date(steel_reserve, pete, dongfang):
    client = api_as(pete)
    today = timezone.localdate()
    body = {"reserve": steel_reserve.pk, "value": "15000.00", "source": "上海有色网"}
    assert client.post(url("reserve-reference-price-list"), {**body, "quoted_on": today.isoformat()},
                       format="json").status_code == 201
    earlier = client.post(url("reserve-reference-price-list"),
                          {**body, "quoted_on": (today - timedelta(days=1)).isoformat()}, format="json")
    assert earlier.status_code == 400 and "quoted_on" in earlier.json()["fields"]
    listed = api_as(dongfang).get(url("reserve-reference-price-list"), {"reserve": steel_reserve.pk}).json()
    assert [(p["value"], p["unit_price"]) for p in listed["results"]] == [("15000.00", "16235.86")]


@pytest.mark.parametrize("basename", ["reserve", "reserve-share", "reserve-drawdown", "reserve-replenishment",
                                      "reserve-reference-price"])
def test_lists_do_not_grow_queries_with_rows(basename, pump, pete, steel, dongfang, songmen,
                                             django_assert_max_num_queries):
    """N+1 guard: more reserves, shares, draws and prices cost no more queries."""
    from supplychain.services import reserves

    def add(count):
        for _ in range(count):
            made = stocked_reserve(pump, pete, steel, shares=((dongfang, "30"), (songmen, "30")))
            reserves.reference_price_record(reserve=made, by=pete, value="15000.00", source="上海有色网",
                                            quoted_on=timezone.localdate())
            for user in (dongfang, songmen):
                reserves.reserve_draw(reserve=made, by=user, quantity="25")  # below 20: a replenishment opens

    client = api_as(pete)
    add(1)
    client.get(url(f"{basename}-list"))
    with django_assert_max_num_queries(20) as before:
        assert client.get(url(f"{basename}-list")).json()["count"] > 0
    add(3)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url(f"{basename}-list")).status_code == 200



def test_a_members_erp_fuzzed_on_the_reserve_endpoints_answers_as_documented(live_server_url, steel_reserve,
                                                                             dongfang, pump):
    """The whole-API fuzzer (tests/test_api_fuzz.py) calls as a mould buyer, where no reserve exists; here a
    pump-valve member's ERP, with a share of a stocked reserve, reaches the draw rules: every other generated
    case names the real reserve (and real ids in the path), and every answer must be as the schema says."""
    import hypothesis
    import requests
    from hypothesis import HealthCheck, Phase
    from schemathesis import GenerationMode

    from tenants.models import ApiKey
    from tests.test_api_fuzz import CHECKS, MAX_EXAMPLES, load_schema

    issued = tenant_services.api_key_create(by=dongfang, name="ERP fuzz", scope="write", brains=[pump])
    ApiKey.objects.filter(pk=issued.api_key.pk).update(rate_limit_per_minute=100_000)
    auth = {"Authorization": f"Api-Key {issued.secret}"}
    drawn = reserves_draw_once(steel_reserve, dongfang)
    ids = {"reserves": steel_reserve.pk, "reserve-drawdowns": drawn.pk, "reserve-shares": drawn.share_id,
           "reserve-replenishments": open_replenishment(steel_reserve).pk}  # a member's key finds none: 404s
    def check(operation, mode, session):
        segment = operation.path.split("/{id}")[0].rsplit("/", 1)[-1] if "{id}" in operation.path else None

        @hypothesis.given(operation.as_strategy(mode, path_parameters={"brain_slug": SLUG}))
        @hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            if isinstance(case.path_parameters.get("id"), int) and case.path_parameters["id"] % 2 == 0:
                case.path_parameters["id"] = ids.get(segment, case.path_parameters["id"])
            if isinstance(case.body, dict) and isinstance(case.body.get("reserve"), int) \
                    and case.body["reserve"] % 2 == 0:
                case.body["reserve"] = steel_reserve.pk
            response = case.call(base_url=live_server_url, session=session, headers=auth, timeout=30)
            case.validate_response(response, checks=CHECKS, headers=auth)

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise

    schema = load_schema(live_server_url, issued.secret)
    failures, operations = [], 0
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if "/reserve" not in operation.path:
                continue
            operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    check(operation, mode, session)
                except (Exception, BaseExceptionGroup) as exc:  # collected: one run reports every operation
                    failures.append(f"{operation.label} [{mode.value}]\n{exc}")
    assert operations == 17
    assert not failures, "\n\n".join(failures)
    with brain_context(pump.pk):  # whatever was drawn, the stock never went below zero and matches the draws
        reserve = Reserve.objects.get(pk=steel_reserve.pk)
        taken = sum(d.quantity for d in Drawdown.objects.filter(reserve=reserve))
    assert reserve.stock >= 0 and reserve.stock == D("60") - taken


def reserves_draw_once(reserve, user):
    """A drawdown to read back; 19 t left, so a replenishment is open too."""
    from supplychain.services import reserves

    for quantity in ("20", "15", "6"):  # its share, the 15 t free, and 6 t more once the others' shares dropped
        if quantity == "6":
            with brain_context(reserve.brain_id):
                ReserveShare.objects.filter(reserve=reserve).exclude(member_id=user.enterprise_id).update(committed=0)
        drawn = reserves.reserve_draw(reserve=reserve, by=user, quantity=D(quantity))
    return drawn
