from dataproducts.models.access_requests import AccessEvent, AccessRequest
from dataproducts.models.components import (
    Component,
    ComponentListing,
    ComponentRating,
    ComponentUse,
    ComponentVersion,
    Installation,
)
from dataproducts.models.consents import OptOut
from dataproducts.models.products import DataProduct
from dataproducts.models.revisions import Contribution, Revision, RevisionRow
from dataproducts.models.settings import DataProductSettings
from dataproducts.models.subscriptions import Subscription
from dataproducts.models.usage import UsageRecord, UsageStatement, UsageStatementLine

__all__ = ["AccessEvent", "AccessRequest", "Component", "ComponentListing", "ComponentRating", "ComponentUse",
           "ComponentVersion",
           "Contribution", "DataProduct", "DataProductSettings", "Installation", "OptOut", "Revision", "RevisionRow",
           "Subscription", "UsageRecord", "UsageStatement", "UsageStatementLine"]
