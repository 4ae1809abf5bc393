"""Access requests and subscriptions over the API: the request with its decision and the subscription it granted,
the subscription with its price snapshot, and the audit trail of each."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dataproducts.models import AccessEvent, AccessRequest, DataProduct, Subscription
from dataproducts.selectors.subscriptions import access_trail
from dataproducts.services.subscriptions import MAX_DAYS
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money


def trail_of(context, **what):
    return access_trail(brain=context["brain"], viewer=context["request"].brain_access, **what)


class AccessProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataProduct
        fields = ["id", "code", "name_zh", "name_en", "access"]
        read_only_fields = fields


class AccessEventSerializer(serializers.ModelSerializer):
    """One step of the audit: who did what, when, and the note they gave (none by: the clock)."""

    by = PersonField(allow_null=True)

    class Meta:
        model = AccessEvent
        fields = ["id", "action", "by", "at", "note", "request", "subscription"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    """A subscription: from, until, revoked, and the prices agreed when it was granted (VAT included)."""

    product = AccessProductSerializer(read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True)
    revoked_by = PersonField(allow_null=True)
    subscription_price = money(allow_null=True)
    price_per_call = money(allow_null=True)
    price_per_row = money(allow_null=True)
    active = serializers.SerializerMethodField(help_text=_("In force now: reads are allowed."))

    class Meta:
        model = Subscription
        fields = ["id", "product", "enterprise", "request", "starts_at", "ends_at", "active", "revoked_at",
                  "revoked_by", "revoke_reason", "subscription_price", "price_per_call", "price_per_row", "vat_rate",
                  "updated_at"]
        read_only_fields = fields

    def get_active(self, subscription) -> bool:
        return subscription.is_active()


class SubscriptionDetailSerializer(SubscriptionSerializer):
    events = serializers.SerializerMethodField(help_text=_("The audit trail, oldest first."))

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "events"]
        read_only_fields = fields

    def get_events(self, subscription) -> list[dict]:
        return AccessEventSerializer(trail_of(self.context, subscription=subscription), many=True).data


class AccessRequestSerializer(serializers.ModelSerializer):
    product = AccessProductSerializer(read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True)
    requested_by = PersonField()
    decided_by = PersonField(allow_null=True)
    subscription = serializers.SerializerMethodField(help_text=_("The subscription an approval granted."))

    class Meta:
        model = AccessRequest
        fields = ["id", "product", "enterprise", "requested_by", "purpose", "days", "status", "created_at",
                  "decided_by", "decided_at", "reason", "subscription", "updated_at"]
        read_only_fields = fields

    def get_subscription(self, request) -> int | None:
        subscription = getattr(request, "subscription", None) if request.status == "approved" else None
        return subscription.pk if subscription is not None else None


class AccessRequestDetailSerializer(AccessRequestSerializer):
    events = serializers.SerializerMethodField(help_text=_("The audit trail, oldest first."))

    class Meta(AccessRequestSerializer.Meta):
        fields = [*AccessRequestSerializer.Meta.fields, "events"]
        read_only_fields = fields

    def get_events(self, request) -> list[dict]:
        return AccessEventSerializer(trail_of(self.context, request=request), many=True).data


class AccessRequestMakeSerializer(serializers.Serializer):
    product = serializers.IntegerField(help_text=_("The product (on request or paid) to read."))
    purpose = serializers.CharField(max_length=500, help_text=_("What the data will be used for."))
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, help_text=_("For how many days."))


class AccessDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=_("Why (required to decline or revoke): the member reads it."))
