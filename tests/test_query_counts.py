"""Every list endpoint of the brain API has a query budget, and twice the rows cost no more queries (NetBox style).

The list endpoints come from the URL configuration and their rows from `tests/endpoints.py`, so a new list
endpoint fails here until it has a budget below. A budget is what the list costs today, request and all
(session, user, brain, membership, the transaction's settings): raise it only with a reason.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import api_as
from tenants.context import brain_context
from tenants.models import BrainStaff
from tests.endpoints import ENDPOINTS, brain_api_operations
from tests.support import url

LISTS = [operation for operation in brain_api_operations() if operation.key == "GET list"]

LIST_QUERIES = {
    # tenants
    "process-list": 11, "membership-list": 11, "notification-list": 11, "webhook-endpoint-list": 11,
    "webhook-delivery-list": 12,
    # capacity
    "supplier-profile-list": 13, "project-list": 11, "part-list": 12, "drawing-list": 11, "rfq-list": 12,
    "question-list": 11, "quote-list": 12, "purchase-order-list": 12, "work-order-list": 13,
    "progress-report-list": 12, "attachment-list": 11, "change-request-list": 11, "mould-trial-list": 13,
    "delivery-list": 12, "delivery-line-list": 11, "rating-list": 11,
    # supplychain
    "group-buy-list": 14, "pledge-list": 11, "settlement-list": 11, "supply-order-list": 13,
    "supply-order-line-list": 12, "shipment-list": 11, "reserve-list": 11, "reserve-share-list": 11,
    "reserve-drawdown-list": 11, "reserve-reference-price-list": 11, "reserve-replenishment-list": 11,
    # brain
    "sync-source-list": 11, "sync-run-list": 11, "quarantined-record-list": 11, "enterprise-file-list": 11,
    "policy-list": 13, "policy-match-list": 11,
    # finance
    "payable-list": 11, "certificate-list": 11, "certificate-transfer-list": 11,
    "netting-list": 11, "netting-position-list": 11, "netting-leg-list": 11,
    "ip-loan-list": 12, "ip-loan-document-list": 11,
    "early-payment-list": 11, "discount-programme-list": 11, "discount-offer-list": 11, "clearing-run-list": 11,
    "credit-line-list": 11, "financing-request-list": 11, "financing-quote-list": 11,
    # dataproducts: the capability centre
    "component-listing-list": 11, "installation-list": 11,
    # dataproducts: access requests and subscriptions
    "access-request-list": 11, "subscription-list": 11,
    # dataproducts: products, revisions, consents (products: + the brain's privacy rule, read once)
    "data-product-list": 12, "revision-list": 11, "contribution-list": 11, "opt-out-list": 11,
    # dataproducts: usage and statements
    "usage-record-list": 11, "usage-statement-list": 11,
}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOV_DATA_DROP_DIR = tmp_path / "drop"


def listed(client, operation):
    """(the number of queries, the rows on the page) of one listing."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(operation.name))
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("operation", LISTS, ids=str)
def test_a_list_costs_its_budget_whatever_its_length(operation, mould, alice):
    budget = LIST_QUERIES.get(operation.name)
    assert budget, f"{operation}: no query budget: list it at two sizes here and write down what it costs " \
                   "in tests/test_query_counts.py, LIST_QUERIES"
    with brain_context(mould.pk):  # alice operates her brain too, so she sees every list whole
        BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
    make, client = ENDPOINTS[operation.basename].make, api_as(alice)
    for n in (0, 1):
        make(mould, alice, n)
    client.get(url(operation.name))  # first requests fill caches (content types, translations)
    few, rows = listed(client, operation)
    for n in (2, 3):
        make(mould, alice, n)
    many, more_rows = listed(client, operation)
    assert more_rows >= rows + 2, f"{operation}: the rows made are not listed ({rows}, then {more_rows})"
    assert many <= few, f"{operation}: {few} queries for {rows} rows, {many} for {more_rows}: one per row?"
    assert few <= budget, f"{operation}: {few} queries, over its budget of {budget}"


def test_every_budget_is_for_a_list_served():
    assert not set(LIST_QUERIES) - {operation.name for operation in LISTS}, "a budget for a list that went away"
