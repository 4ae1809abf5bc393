"""The data-product events an enterprise may subscribe webhooks to, and who hears of each: whoever could read the
object through the API (dataproducts.selectors), and only its ids. One function per concept, called from
DataproductsConfig.ready."""

from django.utils.translation import gettext_lazy as _

from dataproducts.selectors.subscriptions import access_request_list, subscription_list
from dataproducts.selectors.usage import usage_statement_list
from tenants.access import enterprise_access
from tenants.models import Brain
from tenants.webhooks import webhook_event_type, without


def _readers(selector, key):
    """An audience: each candidate that `selector` shows the event's `key` object to hears the event."""

    def audience(event, candidates: set[int]) -> dict[int, dict]:
        brain = Brain.objects.get(pk=event.brain_id)
        return {enterprise_id: without(event.payload) for enterprise_id in candidates
                if selector(brain=brain, viewer=enterprise_access(brain=brain, enterprise_id=enterprise_id))
                .filter(pk=event.payload[key]).exists()}

    return audience


# --- access requests and subscriptions ------------------------------------------------------------------
def access_register() -> None:
    requests = _readers(access_request_list, "access_request")  # the requesting enterprise
    for name, description in (
        ("access_request.made", _("Your enterprise asked for access to a data product.")),
        ("access_request.approved", _("Your request for a data product was approved: the subscription is granted.")),
        ("access_request.declined", _("Your request for a data product was declined, with the operator's reason.")),
    ):
        webhook_event_type(name, description=description, audience=requests)
    subscriptions = _readers(subscription_list, "subscription")  # the subscriber
    for name, description in (
        ("subscription.revoked", _("An operator revoked your subscription to a data product: reads stop at once.")),
        ("subscription.expired", _("Your subscription to a data product ran out.")),
    ):
        webhook_event_type(name, description=description, audience=subscriptions)


# --- usage and statements -------------------------------------------------------------------------------
def usage_register() -> None:
    webhook_event_type("usage_statement.issued", audience=_readers(usage_statement_list, "usage_statement"),
                       description=_("Your enterprise's monthly statement for data products and apps was issued "
                                     "(total and VAT); the charge is booked."))
