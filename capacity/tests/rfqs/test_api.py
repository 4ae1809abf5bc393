"""The RFQ API: the whole journey, sealed bids, who sees what inside one brain, questions, errors and
query counts. Alice's 精诚模具 buys; 宏达 (shop_a) and 永盛 (shop_b) supply; 张 of 瑞丰 buys too, and must
see nothing of alice's."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from capacity.models import Award, Part, Quote, Recommendation, Rfq
from capacity.services import projects, rfqs
from capacity.tests.conftest import lines_of, operation_of, past_deadline
from conftest import api_as
from tenants.context import brain_context
from tests.support import ids, url

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BOM_CSV = """零件编号,零件名称,上级编号,数量,材料,长,宽,高,工序,公差,标准件
ASM-01,定模组件,,1,,,,,,,否
CAV-01,型腔镶件,ASM-01,1,718H,600,400,180,CNC;HT,0.01,否
EJ-01,顶针,ASM-01,40,SKD61,200,8,8,HT,,是
"""


def quote_payload(*lines):
    """lines: (rfq line id, unit price, lead time in days)."""
    return {"remarks": "含税含运", "lines": [
        {"rfq_line": line, "unit_price": unit, "vat_rate": "13.00", "lead_time_days": days}
        for line, unit, days in lines]}


def deadline_in(**delta):
    return (timezone.now() + timedelta(**delta)).isoformat()


# --- The journey ----------------------------------------------------------------------------------


def test_it_runs_the_whole_journey_from_bom_to_purchase_order(mould, alice, shop_a, shop_b):
    buyer, a, b = api_as(alice), api_as(shop_a), api_as(shop_b)

    created = buyer.post(url("project-list"), {"code": "M-2026-018", "name": "空调挂机支架模具",
                                               "customer": "奥克斯空调"}, format="json")
    assert created.status_code == 201, created.json()
    project = created.json()["id"]

    upload = SimpleUploadedFile("物料清单.csv", BOM_CSV.encode("gbk"), content_type="text/csv")
    imported = buyer.post(url("project-import-bom", pk=project), {"file": upload})
    assert imported.status_code == 200 and imported.json() == {"created": 3, "updated": 0}

    parts = {p["part_no"]: p for p in buyer.get(url("part-list", project=project)).json()["results"]}
    assert parts["CAV-01"]["parent_no"] == "ASM-01" and parts["EJ-01"]["standard_part"] is True
    assert [(o["process"], o["sequence"]) for o in parts["CAV-01"]["routing"]] == [("CNC", 10), ("HT", 20)]
    heat_treatment = parts["EJ-01"]["routing"][0]["id"]

    draft = buyer.post(url("rfq-list"), {
        "project": project, "title": "型腔与顶针外协", "deadline": deadline_in(days=2), "notes": "请附工艺说明",
        "lines": [{"part": parts["CAV-01"]["id"]}, {"part": parts["EJ-01"]["id"], "operation": heat_treatment}],
    }, format="json")
    assert draft.status_code == 201, draft.json()
    rfq_id = draft.json()["id"]
    assert draft.json()["status"] == "draft" and [l["process"] for l in draft.json()["lines"]] == [None, "HT"]
    assert ids(a.get(url("rfq-list"))) == []  # a draft is nobody else's business

    assert buyer.post(url("rfq-publish", pk=rfq_id)).json()["status"] == "published"
    assert ids(a.get(url("rfq-list"))) == [rfq_id]
    cavity, pin = a.get(url("rfq-detail", pk=rfq_id)).json()["lines"]
    assert cavity["part"]["material"] == "718H" and pin["quantity"] == 40

    quoted = a.put(url("rfq-quote", pk=rfq_id), quote_payload((cavity["id"], "18000", 20), (pin["id"], "30.00", 7)),
                   format="json")
    assert quoted.status_code == 200, quoted.json()
    assert quoted.json()["revision"] == 1
    assert [(l["unit_price"], l["amount"]) for l in quoted.json()["lines"]] == [("18000.00", "18000.00"),
                                                                               ("30.00", "1200.00")]
    assert b.put(url("rfq-quote", pk=rfq_id), quote_payload((cavity["id"], "16500.00", 25), (pin["id"], "32.00", 5)),
                 format="json").status_code == 200

    assert buyer.get(url("rfq-comparison", pk=rfq_id)).json() == {"sealed": True, "quote_count": 2}

    with brain_context(mould.pk):
        rfq = Rfq.objects.get(pk=rfq_id)
    past_deadline(rfq)
    table = buyer.get(url("rfq-comparison", pk=rfq_id)).json()
    assert table["sealed"] is False and table["quote_count"] == 2
    cavity_row, pin_row = table["lines"]
    offers = {o["supplier"]: o for o in cavity_row["offers"]}
    assert offers[shop_b.enterprise_id]["unit_price"] == "16500.00" and offers[shop_b.enterprise_id]["lowest"]
    assert offers[shop_a.enterprise_id]["fastest"] and not offers[shop_a.enterprise_id]["lowest"]
    assert cavity_row["lowest"] == shop_b.enterprise_id and pin_row["fastest"] == shop_b.enterprise_id
    totals = {s["id"]: s["total"] for s in table["suppliers"]}
    assert totals == {shop_a.enterprise_id: "19200.00", shop_b.enterprise_id: "17780.00"}

    workbook = buyer.get(url("rfq-comparison-xlsx", pk=rfq_id))
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "CAV-01" in values and 16500 in values and 1200 in values

    winners = buyer.post(url("rfq-award", pk=rfq_id), {"decisions": [
        {"rfq_line": cavity["id"], "quote_line": offers[shop_b.enterprise_id]["quote_line"]},
        {"rfq_line": pin["id"], "quote_line": {o["supplier"]: o for o in pin_row["offers"]}[shop_a.enterprise_id]
         ["quote_line"]},
    ]}, format="json")
    assert winners.status_code == 201, winners.json()
    assert sorted(po["supplier"]["id"] for po in winners.json()) == sorted([shop_a.enterprise_id,
                                                                           shop_b.enterprise_id])
    assert buyer.get(url("rfq-detail", pk=rfq_id)).json()["status"] == "awarded"

    [order] = a.get(url("purchase-order-list")).json()["results"]
    assert order["buyer"]["id"] == alice.enterprise_id and order["number"].startswith("PO-")
    [line] = order["lines"]
    # 30.00 × 40 = 1200.00 with VAT included at 13 %: tax = 1200 − 1200 / 1.13 = 138.05
    assert (line["part_no"], line["process"], line["quantity"]) == ("EJ-01", "HT", 40)
    assert (line["unit_price"], line["amount"], line["tax_amount"]) == ("30.00", "1200.00", "138.05")
    assert (order["total_amount"], order["total_tax"]) == ("1200.00", "138.05")
    assert len(ids(buyer.get(url("purchase-order-list")))) == 2
    [theirs] = b.get(url("purchase-order-list")).json()["results"]
    assert theirs["supplier"]["id"] == shop_b.enterprise_id and theirs["id"] != order["id"]
    assert a.get(url("purchase-order-detail", pk=theirs["id"])).status_code == 404


# --- Sealed bids ---------------------------------------------------------------------------------------


def everything_the_buyer_can_ask(client, rfq):
    """Every endpoint that could carry a price, as the buyer would call it."""
    with brain_context(rfq.brain_id):
        quote = Quote.objects.filter(rfq=rfq).first()
        quote_line = quote.lines.first()
    line = lines_of(rfq)[0]
    return [
        client.get(url("rfq-list")), client.get(url("rfq-detail", pk=rfq.pk)),
        client.get(url("rfq-comparison", pk=rfq.pk)), client.get(url("rfq-comparison-xlsx", pk=rfq.pk)),
        client.get(url("rfq-invitations", pk=rfq.pk)), client.get(url("rfq-questions", pk=rfq.pk)),
        client.get(url("rfq-quote", pk=rfq.pk)), client.get(url("rfq-recommendations", pk=rfq.pk)),
        client.post(url("rfq-recommendations", pk=rfq.pk), {}, format="json"),
        client.post(url("rfq-award", pk=rfq.pk), {"decisions": [{"rfq_line": line.pk, "quote_line": quote_line.pk}]},
                    format="json"),
        client.get(url("quote-list")), client.get(url("quote-detail", pk=quote.pk)),
        client.get(url("purchase-order-list")), client.get(url("question-list")),
    ]


def test_the_buyer_sees_no_price_anywhere_before_the_deadline(two_quotes, alice, in_brain):
    responses = everything_the_buyer_can_ask(api_as(alice), two_quotes)
    for response in responses:
        assert response.status_code < 500
        assert b"12345" not in response.content and b"76543" not in response.content, response.request["PATH_INFO"]
    assert responses[2].json() == {"sealed": True, "quote_count": 2}
    assert responses[3].status_code == 400 and responses[3].json()["code"] == "sealed"
    assert responses[8].json()["code"] == responses[9].json()["code"] == "invalid_state"
    with in_brain(two_quotes.brain):
        assert not Award.objects.exists() and not Recommendation.objects.exists()

    past_deadline(two_quotes)  # and now the same comparison shows them
    assert b"12345.67" in api_as(alice).get(url("rfq-comparison", pk=two_quotes.pk)).content


def test_a_supplier_never_reads_another_suppliers_quote(two_quotes, shop_a, shop_b, in_brain):
    with in_brain(two_quotes.brain):
        theirs = Quote.objects.get(supplier_id=shop_a.enterprise_id)
    client = api_as(shop_b)
    own = client.get(url("rfq-quote", pk=two_quotes.pk))
    assert [line["unit_price"] for line in own.json()["lines"]] == ["76543.21"]
    assert client.get(url("quote-detail", pk=theirs.pk)).status_code == 404
    for response in [own, client.get(url("quote-list")), client.get(url("rfq-detail", pk=two_quotes.pk))]:
        assert b"12345" not in response.content
    for moment in ("before", "after"):
        if moment == "after":
            past_deadline(two_quotes)
        # the RFQ is visible to a supplier; its buyer-only parts are not there for it
        comparison = client.get(url("rfq-comparison", pk=two_quotes.pk))
        assert comparison.status_code == 404 and b"12345" not in comparison.content
        assert client.get(url("rfq-comparison-xlsx", pk=two_quotes.pk)).status_code == 404
        assert client.get(url("rfq-invitations", pk=two_quotes.pk)).status_code == 404


def test_a_quote_is_revised_in_place_until_the_deadline(open_rfq, shop_a):
    client, line = api_as(shop_a), lines_of(open_rfq)[0]
    client.put(url("rfq-quote", pk=open_rfq.pk), quote_payload((line.pk, "100.00", 9)), format="json")
    revised = client.put(url("rfq-quote", pk=open_rfq.pk), quote_payload((line.pk, "95.50", 9)), format="json")
    assert revised.json()["revision"] == 2 and revised.json()["lines"][0]["unit_price"] == "95.50"
    past_deadline(open_rfq)
    late = client.put(url("rfq-quote", pk=open_rfq.pk), quote_payload((line.pk, "90.00", 9)), format="json")
    assert late.status_code == 400 and late.json()["code"] == "deadline_passed"
    assert client.get(url("rfq-quote", pk=open_rfq.pk)).json()["lines"][0]["unit_price"] == "95.50"


# --- Who sees what inside one brain ------------------------------------------------------------------


def test_another_buyer_of_the_brain_sees_nothing_of_alices(project, parts, open_rfq, zhang, alice):
    draft = rfqs.rfq_create(project=project, by=alice, title="草稿", deadline=timezone.now() + timedelta(days=1),
                            lines=[{"part": parts["pin"].pk}])
    client = api_as(zhang)
    assert ids(client.get(url("project-list"))) == [] and ids(client.get(url("part-list"))) == []
    assert ids(client.get(url("rfq-list"))) == []
    for response in [
        client.get(url("project-detail", pk=project.pk)), client.get(url("project-bom", pk=project.pk)),
        client.get(url("part-detail", pk=parts["pin"].pk)),
        client.patch(url("part-detail", pk=parts["pin"].pk), {"name": "改"}, format="json"),
        client.delete(url("part-detail", pk=parts["pin"].pk)),
        client.get(url("rfq-detail", pk=draft.pk)), client.get(url("rfq-detail", pk=open_rfq.pk)),
        client.post(url("rfq-publish", pk=draft.pk)),
    ]:
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    # and a body naming alice's project is the same error as a project that does not exist
    response = client.post(url("rfq-list"), {"project": project.pk, "title": "x", "deadline": deadline_in(days=1),
                                              "lines": [{"part": parts["pin"].pk}]}, format="json")
    assert response.status_code == 400 and "project" in response.json()["fields"]
    assert ids(api_as(alice).get(url("rfq-list"))) == [draft.pk, open_rfq.pk]
    with brain_context(project.brain_id):
        assert Part.objects.get(pk=parts["pin"].pk).name == "顶针"


def test_a_supplier_not_invited_to_an_invitation_only_rfq_gets_404(project, parts, alice, shop_a, shop_b):
    rfq = rfqs.rfq_create(project=project, by=alice, title="定向询价", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": parts["pin"].pk}], invited=[shop_a.enterprise_id], open_to_all=False)
    rfqs.rfq_publish(rfq=rfq, by=alice)
    assert ids(api_as(shop_a).get(url("rfq-list"))) == [rfq.pk]
    outsider = api_as(shop_b)
    assert ids(outsider.get(url("rfq-list"))) == []
    line = lines_of(rfq)[0]
    for response in [outsider.get(url("rfq-detail", pk=rfq.pk)), outsider.get(url("rfq-questions", pk=rfq.pk)),
                     outsider.put(url("rfq-quote", pk=rfq.pk), quote_payload((line.pk, "1.00", 1)), format="json")]:
        assert response.status_code == 404
    with brain_context(rfq.brain_id):
        assert not Quote.objects.exists()


def test_an_open_rfq_is_visible_to_active_suppliers_only_once_published(project, parts, alice, shop_a, zhang):
    draft = rfqs.rfq_create(project=project, by=alice, title="公开询价", deadline=timezone.now() + timedelta(days=1),
                            lines=[{"part": parts["pin"].pk}])
    assert api_as(shop_a).get(url("rfq-detail", pk=draft.pk)).status_code == 404
    rfqs.rfq_publish(rfq=draft, by=alice)
    assert api_as(shop_a).get(url("rfq-detail", pk=draft.pk)).status_code == 200
    assert api_as(zhang).get(url("rfq-detail", pk=draft.pk)).status_code == 404  # a buyer only: not a supplier
    rfqs.rfq_cancel(rfq=draft, by=alice)
    assert api_as(shop_a).get(url("rfq-detail", pk=draft.pk)).status_code == 404


def test_only_the_buyer_moves_an_rfq(open_rfq, shop_a, alice):
    response = api_as(shop_a).post(url("rfq-close", pk=open_rfq.pk))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api_as(alice).post(url("rfq-close", pk=open_rfq.pk)).json()["status"] == "closed"
    assert api_as(alice).post(url("rfq-cancel", pk=open_rfq.pk)).json()["status"] == "cancelled"
    again = api_as(alice).post(url("rfq-publish", pk=open_rfq.pk))
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"


def test_invitations_show_the_buyer_who_and_why(project, parts, alice, shop_a, profiled, in_brain):
    from capacity.services.matching import matching_run

    rfq = rfqs.rfq_create(project=project, by=alice, title="邀请", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": parts["cavity"].pk}], invited=[shop_a.enterprise_id])
    rfqs.rfq_publish(rfq=rfq, by=alice)
    with in_brain(rfq.brain):
        matching_run(brain_id=rfq.brain_id, rfq_id=rfq.pk)
    [invitation] = api_as(alice).get(url("rfq-invitations", pk=rfq.pk)).json()
    assert invitation["supplier"]["id"] == shop_a.enterprise_id and invitation["source"] == "buyer"
    assert {"process", "envelope", "material"} <= set(invitation["matched_lines"][0]["reasons"])


# --- Questions --------------------------------------------------------------------------------------


def test_questions_are_private_until_answered_and_the_asker_stays_anonymous(open_rfq, alice, shop_a, shop_b):
    asked = api_as(shop_a).post(url("rfq-questions", pk=open_rfq.pk), {"text": "型腔是否需要氮化？"}, format="json")
    assert asked.status_code == 201 and asked.json()["mine"] is True
    question = asked.json()["id"]
    assert api_as(shop_b).get(url("rfq-questions", pk=open_rfq.pk)).json() == []
    assert api_as(shop_b).get(url("question-detail", pk=question)).status_code == 404
    as_buyer = api_as(alice).get(url("rfq-questions", pk=open_rfq.pk)).json()
    assert as_buyer[0]["asked_by"]["id"] == shop_a.enterprise_id

    assert api_as(shop_b).post(url("question-answer", pk=question), {"answer": "是"}, format="json").status_code == 404
    answered = api_as(alice).post(url("question-answer", pk=question), {"answer": "不需要，调质即可。"}, format="json")
    assert answered.status_code == 200 and answered.json()["answer"] == "不需要，调质即可。"

    [seen] = api_as(shop_b).get(url("rfq-questions", pk=open_rfq.pk)).json()
    assert seen["answer"] == "不需要，调质即可。" and seen["asked_by"] is None and seen["mine"] is False
    assert ids(api_as(shop_b).get(url("question-list", answered="true"))) == [question]


# --- Errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("deadline", ["下周二", "2026-02-30T10:00:00+08:00", "in five minutes", "", None])
def test_a_bad_deadline_is_a_field_error_and_writes_nothing(project, parts, alice, deadline, in_brain):
    if deadline == "in five minutes":  # well-formed, but too soon: the service's rule
        deadline = deadline_in(minutes=5)
    response = api_as(alice).post(url("rfq-list"), {"project": project.pk, "title": "x", "deadline": deadline,
                                                    "lines": [{"part": parts["pin"].pk}]}, format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["deadline"], response.json()
    with in_brain(project.brain):
        assert not Rfq.objects.exists()


@pytest.mark.parametrize("line", [{"unit_price": "0"}, {"unit_price": "12.345"}, {"lead_time_days": 0},
                                  {"rfq_line": 999999}, {"unit_price": "abc"}])
def test_bad_quote_lines_are_refused_with_the_field(open_rfq, shop_a, line, in_brain):
    payload = quote_payload((lines_of(open_rfq)[0].pk, "10.00", 5))
    payload["lines"][0].update(line)
    response = api_as(shop_a).put(url("rfq-quote", pk=open_rfq.pk), payload, format="json")
    assert response.status_code == 400 and "lines" in response.json()["fields"], response.json()
    with in_brain(open_rfq.brain):
        assert not Quote.objects.exists()


# --- Query counts ------------------------------------------------------------------------------------------


def _more_rfqs(project, alice, start, count):
    for index in range(start, start + count):
        part = projects.part_save(project=project, by=alice, part_no=f"Q-{index:03d}", name="镶件", quantity=3,
                                  processes=["CNC", "HT"])
        other = projects.part_save(project=project, by=alice, part_no=f"R-{index:03d}", name="顶针", quantity=30,
                                   processes=["HT"])
        lines = [{"part": part.pk}, {"part": other.pk, "operation": operation_of(other, "HT").pk}]
        rfq = rfqs.rfq_create(project=project, by=alice, title=f"询价{index}",
                              deadline=timezone.now() + timedelta(days=1), lines=lines)
        rfqs.rfq_publish(rfq=rfq, by=alice)


@pytest.mark.parametrize("who", ["buyer", "supplier"])
def test_the_rfq_list_does_not_grow_queries_with_rows(project, alice, shop_a, who, django_assert_max_num_queries):
    client = api_as(alice if who == "buyer" else shop_a)
    _more_rfqs(project, alice, 0, 1)
    client.get(url("rfq-list"))
    with django_assert_max_num_queries(12) as few:
        assert len(ids(client.get(url("rfq-list")))) == 1
    _more_rfqs(project, alice, 1, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ids(client.get(url("rfq-list")))) == 11


def test_the_comparison_does_not_grow_queries_with_lines_or_suppliers(tender, alice, django_assert_max_num_queries):
    (small, _), (large, suppliers) = tender(1, 1), tender(12, 5)
    client = api_as(alice)
    client.get(url("rfq-comparison", pk=small.pk))
    with django_assert_max_num_queries(16) as few:  # 9 of them: session, user, brain, membership, context
        assert len(client.get(url("rfq-comparison", pk=small.pk)).json()["lines"]) == 1
    with django_assert_max_num_queries(len(few.captured_queries)):
        table = client.get(url("rfq-comparison", pk=large.pk)).json()
    assert len(table["lines"]) == 12 and len(table["suppliers"]) == 5
    assert all(line["lowest"] == suppliers[0].enterprise_id for line in table["lines"])
