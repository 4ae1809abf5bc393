"""Every action a person can do on the web is available over /api/v1/: each web route that accepts a write has
an API twin, named here by OpenAPI operationId.

The web routes are found by walking Django's URL resolver (everything but /api/, /admin/ and /i18n/) and keeping
the views that accept POST, PUT, PATCH or DELETE. Many pages carry several actions in one POST, told apart by
an `action` (or `decision`) field or a button's name; the actions a view dispatches on are read from its source,
a lower bound of what the table must list (the table is the explicit record, reviewed like code).

The test fails when a web write route or one of its actions is missing from TWINS (add its twin, or build one),
when TWINS names an operationId the schema does not have or one that only reads, and when TWINS names a route
that no longer exists or no longer writes. The few routes that need no twin are in NO_TWIN, each with its reason.
"""

import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import TemplateView

POST = "POST"  # the page's form itself, posted without an action field

TWINS: dict[str, dict[str, tuple[str, ...]]] = {
    # --- tenants: platform console, API keys, membership, notifications
    "console": {
        "create": ("v1_brains_create",),
        "suspend": ("v1_brains_suspend_create",),
        "reactivate": ("v1_brains_reactivate_create",),
        "rate-limit": ("v1_api_keys_rate_limit_create",),
    },
    "api-keys": {
        POST: ("v1_api_keys_create",),
        "revoke": ("v1_api_keys_destroy",),
    },
    "brain-join": {POST: ("v1_brains_memberships_create",)},
    "operator-members": {
        "admit": ("v1_brains_memberships_admit_create",),
        "reject": ("v1_brains_memberships_reject_create",),
        "suspend": ("v1_brains_memberships_suspend_create",),
        "reinstate": ("v1_brains_memberships_reinstate_create",),
        "verify": ("v1_brains_memberships_verify_create",),
    },
    "notifications": {POST: ("v1_brains_notifications_mark_read_create",)},  # all read: mark-read without ids
    "webhooks": {POST: ("v1_brains_webhook_endpoints_create",)},
    # --- supply chain: group purchases and sample group orders
    "supplychain:group-buys": {"settings": ("v1_brains_group_buys_settings_update",)},
    "supplychain:group-buy-new": {POST: ("v1_brains_group_buys_create",)},
    "supplychain:group-buy": {
        "open": ("v1_brains_group_buys_open_create",),
        "cancel": ("v1_brains_group_buys_cancel_create",),
        "decide": ("v1_brains_group_buys_decide_create",),
        "pledge": ("v1_brains_group_buys_pledge_create",),
        "withdraw": ("v1_brains_group_buys_withdraw_create",),
        "payment": ("v1_brains_group_buys_payments_create",),
        "agree": ("v1_brains_group_buys_supplier_decision_create",),
        "decline": ("v1_brains_group_buys_supplier_decision_create",),
        "ship": ("v1_brains_shipments_create",),
        "receive": ("v1_brains_shipments_receive_create",),
    },
    "webhook-endpoint": {
        "ping": ("v1_brains_webhook_endpoints_ping_create",),
        "rotate": ("v1_brains_webhook_endpoints_rotate_secret_create",),
        "switch": ("v1_brains_webhook_endpoints_partial_update",),
        "save": ("v1_brains_webhook_endpoints_partial_update",),
        "replay": ("v1_brains_webhook_deliveries_replay_create",),
        "delete": ("v1_brains_webhook_endpoints_destroy",),
    },
    # --- brain: policies (政策直达)
    "policy-new": {
        "save": ("v1_brains_policies_create",),
        "preview": ("v1_brains_policies_preview_create",),
    },
    "policy-edit": {
        "save": ("v1_brains_policies_partial_update",),
        "preview": ("v1_brains_policies_preview_create",),
    },
    "policy": {
        "publish": ("v1_brains_policies_publish_create",),
        "withdraw": ("v1_brains_policies_withdraw_create",),
        "rematch": ("v1_brains_policies_rematch_create",),
        "delete": ("v1_brains_policies_destroy",),
    },
    # --- brain: government-data sync (operators)
    "sync-sources": {POST: ("v1_brains_sync_sources_create",)},
    "sync-source": {
        "save": ("v1_brains_sync_sources_partial_update",),  # reset_watermark too
        "run": ("v1_brains_sync_sources_run_create",),
        "delete": ("v1_brains_sync_sources_destroy",),
    },
    "sync-quarantine": {
        "retry": ("v1_brains_quarantined_records_retry_create",),
        "dismiss": ("v1_brains_quarantined_records_dismiss_create",),
    },
    # --- capacity: projects, BOM, drawings, RFQs, quotes, profile
    "capacity:projects": {POST: ("v1_brains_projects_create",)},
    "capacity:project": {
        POST: ("v1_brains_projects_import_bom_create",),  # the BOM upload
        "drawing": ("v1_brains_parts_drawings_create",),
    },
    "capacity:rfq-new": {POST: ("v1_brains_rfqs_create",)},
    "capacity:rfq": {
        "publish": ("v1_brains_rfqs_publish_create",),
        "close": ("v1_brains_rfqs_close_create",),
        "cancel": ("v1_brains_rfqs_cancel_create",),
        "answer": ("v1_brains_questions_answer_create",),
        "recommend": ("v1_brains_rfqs_recommendations_create",),
        "award": ("v1_brains_rfqs_award_create",),
    },
    "capacity:quote": {
        POST: ("v1_brains_rfqs_quote_update",),
        "ask": ("v1_brains_rfqs_questions_create",),
    },
    "capacity:profile": {POST: ("v1_brains_supplier_profiles_mine_update",)},
    # --- capacity: board, trials, work orders, deliveries
    "capacity:board-settings": {POST: ("v1_brains_board_settings_update",)},
    "capacity:project-trials": {POST: ("v1_brains_mould_trials_schedule",)},
    "capacity:trial": {
        "record": ("v1_brains_mould_trials_record_create",),
        "cancel": ("v1_brains_mould_trials_cancel_create",),
        "add-part": ("v1_brains_mould_trials_modifications_create",),  # with new_part
        "add-operation": ("v1_brains_mould_trials_modifications_create",),  # with part and process
    },
    "capacity:work-order": {
        "accept": ("v1_brains_work_orders_accept_create",),
        "decline": ("v1_brains_work_orders_decline_create",),
        "report": ("v1_brains_work_orders_report_create",),
        "change": ("v1_brains_change_requests_create",),
        "change-accept": ("v1_brains_change_requests_accept_create",),
        "change-reject": ("v1_brains_change_requests_reject_create",),
        "change-withdraw": ("v1_brains_change_requests_withdraw_create",),
    },
    "capacity:work-order-deliveries": {
        "deliver": ("v1_brains_deliveries_create",),
        "inspect": ("v1_brains_delivery_lines_inspect_create",),
        "rate": ("v1_brains_ratings_create",),
    },
    # --- supplychain: joint reserves (联储联备)
    "reserves:new": {POST: ("v1_brains_reserves_create",)},
    "reserves:detail": {
        "draw": ("v1_brains_reserve_drawdowns_create",),
        "commit": ("v1_brains_reserve_shares_create",),
        "price": ("v1_brains_reserve_reference_prices_create",),
        "receive": ("v1_brains_reserve_replenishments_receive_create",),
        "cancel-replenishment": ("v1_brains_reserve_replenishments_cancel_create",),
        "close": ("v1_brains_reserves_close_create",),
    },
    # --- finance: payables and certificates
    "finance:payable": {
        "confirm": ("v1_brains_payables_confirm_create",),
        "waive": ("v1_brains_payables_waive_create",),
        "pay": ("v1_brains_payables_pay_create",),
        "issue": ("v1_brains_certificates_create",),
    },
    "finance:certificate": {
        "split": ("v1_brains_certificates_split_create",),
        "transfer": ("v1_brains_certificates_transfer_create",),
        "redeem": ("v1_brains_certificates_redeem_create",),
        "accept": ("v1_brains_certificate_transfers_accept_create",),
        "decline": ("v1_brains_certificate_transfers_decline_create",),
        "withdraw": ("v1_brains_certificate_transfers_withdraw_create",),
    },
    # --- finance: netting (轧差)
    "finance:nettings": {
        "preview": ("v1_brains_nettings_preview_create",),
        "propose": ("v1_brains_nettings_create",),
    },
    "finance:netting": {
        "confirm": ("v1_brains_nettings_confirm_create",),
        "reject": ("v1_brains_nettings_reject_create",),
        "withdraw": ("v1_brains_nettings_withdraw_create",),
    },
    # --- finance: IP-pledge loans
    "finance:ip-loan-new": {POST: ("v1_brains_ip_loans_create",)},
    "finance:ip-loan": {
        "upload": ("v1_brains_ip_loans_documents_create",),
        "supply": ("v1_brains_ip_loans_supply_documents_create",),
        "withdraw": ("v1_brains_ip_loans_withdraw_create",),
        "request-documents": ("v1_brains_ip_loans_request_documents_create",),
        "approve": ("v1_brains_ip_loans_approve_create",),
        "decline": ("v1_brains_ip_loans_decline_create",),
        "register-pledge": ("v1_brains_ip_loans_register_pledge_create",),
        "disburse": ("v1_brains_ip_loans_disburse_create",),
        "repay": ("v1_brains_ip_loans_repayments_create",),
    },
    # --- finance: early payment (dynamic discounting, bank financing)
    "finance:programmes": {"open": ("v1_brains_discount_programmes_create",)},
    "finance:programme": {
        "clear": ("v1_brains_discount_programmes_clear_create",),
        "close": ("v1_brains_discount_programmes_close_create",),
        "offer": ("v1_brains_discount_offers_create",),
        "preview": ("v1_brains_discount_offers_preview_create",),
        "change": ("v1_brains_discount_offers_change_create",),
        "withdraw": ("v1_brains_discount_offers_withdraw_create",),
    },
    "finance:financing": {
        "ask": ("v1_brains_financing_requests_create",),
        "open-line": ("v1_brains_credit_lines_create",),
        "revise-line": ("v1_brains_credit_lines_revise_create",),
    },
    "finance:financing-request": {
        "quote": ("v1_brains_financing_quotes_create",),
        "accept": ("v1_brains_financing_quotes_accept_create",),
        "withdraw-quote": ("v1_brains_financing_quotes_withdraw_create",),
        "withdraw": ("v1_brains_financing_requests_withdraw_create",),
    },
    # --- dataproducts: access requests and subscriptions
    "dataproducts:product-access": {POST: ("v1_brains_access_requests_create",)},
    "dataproducts:access-request": {
        "approve": ("v1_brains_access_requests_approve_create",),
        "decline": ("v1_brains_access_requests_decline_create",),
        "withdraw": ("v1_brains_access_requests_withdraw_create",),
    },
    "dataproducts:subscription": {"revoke": ("v1_brains_subscriptions_revoke_create",)},
    # --- dataproducts: products, revisions, consents
    "dataproducts:products": {POST: ("v1_brains_data_products_create",)},
    "dataproducts:product": {
        "build": ("v1_brains_revisions_create",),
        "list": ("v1_brains_data_products_partial_update",),
        "retire": ("v1_brains_data_products_partial_update",),
    },
    "dataproducts:revision": {
        "publish": ("v1_brains_revisions_publish_create",),
        "correct": ("v1_brains_revisions_correct_create",),
    },
    "dataproducts:privacy-settings": {POST: ("v1_brains_data_products_settings_update",)},
    "dataproducts:contributions": {
        "opt_out": ("v1_brains_opt_outs_create",),
        "opt_in": ("v1_brains_opt_outs_destroy",),
    },
    # --- dataproducts: usage and statements
    "dataproducts:usage": {POST: ("v1_brains_usage_statements_issue_create",)},
    # --- dataproducts: the capability centre
    "dataproducts:component-new": {POST: ("v1_brains_components_create",)},
    "dataproducts:component": {
        "install": ("v1_brains_components_install_create",),
        "uninstall": ("v1_brains_installations_uninstall_create",),
        "rate": ("v1_brains_components_rate_create",),
        "approve": ("v1_brains_components_approve_create",),
        "reject": ("v1_brains_components_reject_create",),
        "deprecate": ("v1_brains_components_deprecate_create",),
        "version": ("v1_brains_components_versions_create",),
    },
    "dataproducts:components-elsewhere": {POST: ("v1_brains_components_offer_create",)},
    "dataproducts:installations": {"uninstall": ("v1_brains_installations_uninstall_create",)},
}

# Web write routes with no API twin, and why none is needed. Keep it short.
NO_TWIN: dict[str, str] = {
    "login": "Signing in with a password starts a browser session; a machine sends its API key with every "
             "request instead (Authorization: Api-Key …), so there is nothing to sign in to.",
    "logout": "Ends the browser session; a key has no session (revoking it, v1_api_keys_destroy, ends a "
              "machine's access).",
}
# Not walked at all: /i18n/ (Django's set_language: the API answers in the language of Accept-Language),
# /admin/ (Django's admin) and /api/ itself.
NOT_WEB = ("api/", "admin/", "i18n/")

WRITE_METHODS = ("post", "put", "patch", "delete")

# How a view tells its actions apart: `action == "publish"`, `…["decision"] == "verify"`, a table of handlers
# `{"accept": self._accept, …}`, or a button's name `"revoke" in request.POST`.
ACTION_PATTERNS = [
    re.compile(r"""\b(?:action|decision)["'\])]*\s*==\s*["']([\w-]+)["']"""),
    re.compile(r"""["']([\w-]+)["']\s*:\s*self\._\w+"""),
    re.compile(r"""["']([\w-]+)["']\s+in\s+request\.POST\b"""),
]


def walk(patterns, prefix="", namespace=None):
    """(route, name with its namespace, view callback) of every URL pattern under `patterns`."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(n for n in (namespace, pattern.name) if n) if pattern.name else None
            yield route, name, pattern.callback


def write_methods(callback) -> set[str]:
    """The write methods a view answers. A function view declares none, so it is taken to accept them all."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return set(WRITE_METHODS)
    return {m for m in WRITE_METHODS if m in view_class.http_method_names and callable(getattr(view_class, m, None))}


def dispatched_actions(callback) -> set[str]:
    view_class = getattr(callback, "view_class", None)
    source = inspect.getsource(view_class if view_class is not None else callback)
    return {match for pattern in ACTION_PATTERNS for match in pattern.findall(source)}


def web_write_routes() -> dict[str, object]:
    """URL name (or the route, for an unnamed pattern) -> view, for every web route that accepts a write."""
    routes = {}
    for route, name, callback in walk(get_resolver().url_patterns):
        if route.startswith(NOT_WEB) or not write_methods(callback):
            continue
        routes[name or f"<unnamed {route}>"] = callback
    return routes


@pytest.fixture(scope="module")
def operations() -> dict[str, str]:
    """operationId -> HTTP method, from the schema the API serves."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {operation["operationId"]: method.upper() for path in schema["paths"].values()
            for method, operation in path.items() if isinstance(operation, dict) and "operationId" in operation}


def test_the_walk_finds_the_web_write_routes_and_only_those():
    """The check is not vacuous: the pages that act are found, read-only pages and the API are not."""
    routes = web_write_routes()
    assert {"console", "api-keys", "capacity:rfq", "capacity:work-order", "login", "logout"} <= set(routes)
    assert not {"home", "brain-home", "capacity:rfqs", "capacity:project-board", "notifications-unread"} & set(routes)
    assert not [name for name in routes if name.startswith(("admin:", "set_language"))]
    assert write_methods(TemplateView.as_view()) == set()
    assert write_methods(lambda request: None) == set(WRITE_METHODS)


def test_every_web_write_route_has_a_twin_or_a_reason():
    missing = sorted(set(web_write_routes()) - set(TWINS) - set(NO_TWIN))
    assert not missing, (f"web routes that write with no API twin in TWINS: {missing}. Name the twin's "
                         "operationId(s), build the endpoint if there is none, or give a reason in NO_TWIN.")


def test_every_action_a_web_view_dispatches_on_is_in_the_table():
    routes = web_write_routes()
    missing = {name: sorted(dispatched_actions(routes[name]) - set(actions))
               for name, actions in TWINS.items() if name in routes}
    missing = {name: actions for name, actions in missing.items() if actions}
    assert not missing, f"actions of web pages with no API twin in TWINS: {missing}"


def test_every_twin_is_a_write_operation_of_the_schema(operations):
    unknown = {f"{name} {action}": op for name, actions in TWINS.items() for action, ops in actions.items()
               for op in ops if op not in operations}
    assert not unknown, f"operationIds not in the schema: {unknown}"
    reads = {op for actions in TWINS.values() for ops in actions.values() for op in ops if operations[op] == "GET"}
    assert not reads, f"a web action's twin must act, not only read: {sorted(reads)}"
    assert all(ops for actions in TWINS.values() for ops in actions.values()), "an action with no operationId"


def test_the_table_names_only_routes_that_exist_and_write():
    routes = set(web_write_routes())
    stale = sorted((set(TWINS) | set(NO_TWIN)) - routes)
    assert not stale, f"TWINS or NO_TWIN name routes that are gone or no longer write: {stale}"
    assert not set(TWINS) & set(NO_TWIN), "a route is either twinned or excused, not both"
    assert all(len(reason) > 20 for reason in NO_TWIN.values()), "every exception says why"
