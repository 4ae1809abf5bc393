"""Dynamic discounting over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from finance.models import ClearingRun, DiscountOffer, DiscountProgramme
from finance.selectors.discounting import programme_cash_visible
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money

RATE = {"max_digits": 7, "decimal_places": 4}


class DiscountProgrammeSerializer(serializers.ModelSerializer):
    """A programme; its cash is the buyer's business: shown to the buyer and operators, null to suppliers."""

    buyer = EnterpriseBriefSerializer(read_only=True)
    cash_available = money(allow_null=True)
    cash_used = money(allow_null=True)

    class Meta:
        model = DiscountProgramme
        fields = ["id", "number", "buyer", "title", "cash_available", "cash_used", "starts_on", "ends_on",
                  "cutoff_time", "hurdle_apr", "posted_apr", "status", "created_at", "closed_at", "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        viewer = getattr(self.context.get("request"), "brain_access", None)
        if not programme_cash_visible(programme=instance, viewer=viewer):
            data["cash_available"] = data["cash_used"] = None
        return data


class DiscountProgrammeOpenSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    cash_available = serializers.DecimalField(max_digits=14, decimal_places=2)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None,
                                      help_text=_("Today if left out."))
    ends_on = serializers.DateField()
    cutoff_time = serializers.TimeField(help_text=_("Each day's clearing, Beijing time, e.g. 16:00."))
    hurdle_apr = serializers.DecimalField(help_text=_("The lowest annual rate (%) that clears."), **RATE)
    posted_apr = serializers.DecimalField(required=False, allow_null=True, default=None,
                                          help_text=_("Offers at this annual rate (%) or above are paid at once."),
                                          **RATE)


class ClearingRunSerializer(serializers.ModelSerializer):
    started_by = PersonField(allow_null=True)
    cash_before = money()
    cash_cleared = money()
    discount_total = money()

    class Meta:
        model = ClearingRun
        fields = ["id", "programme", "cutoff_at", "paid_on", "started_by", "started_at", "cash_before",
                  "cash_cleared", "discount_total", "offers_cleared", "offers_skipped", "offers_below_hurdle",
                  "offers_lapsed"]
        read_only_fields = fields


class DiscountOfferSerializer(serializers.ModelSerializer):
    supplier = EnterpriseBriefSerializer(read_only=True)
    offered_by = PersonField(allow_null=True)

    class Meta:
        model = DiscountOffer
        fields = ["id", "programme", "supplier", "payable", "certificate", "recurring", "standing", "rate", "apr",
                  "percent", "status", "offered_by", "offered_at", "changed_at", "cleared_in", "early_payment",
                  "closed_at", "reason", "updated_at"]
        read_only_fields = fields


class OfferRateSerializer(serializers.Serializer):
    apr = serializers.DecimalField(required=False, allow_null=True, default=None,
                                   help_text=_("An annual rate (%), or give `percent`."), **RATE)
    percent = serializers.DecimalField(required=False, allow_null=True, default=None, max_digits=6, decimal_places=4,
                                       # xgettext:no-python-format (a percent sign, not a placeholder)
                                       help_text=_("A flat discount, % of the face."))


class DiscountOfferMakeSerializer(OfferRateSerializer):
    programme = serializers.IntegerField()
    payable = serializers.IntegerField(required=False, allow_null=True, default=None)
    certificate = serializers.IntegerField(required=False, allow_null=True, default=None)
    recurring = serializers.BooleanField(required=False, default=False,
                                         help_text=_("Every payable the buyer confirms to you from now on."))


class DiscountPreviewSerializer(serializers.Serializer):
    face = money()
    discount = money()
    amount = money(help_text=_("What you would receive."))
    apr = serializers.DecimalField(read_only=True, **RATE)
    days_early = serializers.IntegerField()
    paid_on = serializers.DateField()
    matures_on = serializers.DateField()
    below_hurdle = serializers.BooleanField()
    instant = serializers.BooleanField(help_text=_("Paid at once: it meets the posted rate."))

    @staticmethod
    def of(preview) -> dict:
        terms = preview.terms
        return {"face": terms.face, "discount": terms.discount, "amount": terms.amount, "apr": terms.apr,
                "days_early": terms.days_early, "paid_on": terms.paid_on, "matures_on": terms.matures_on,
                "below_hurdle": preview.below_hurdle, "instant": preview.instant}


class RollforwardSerializer(serializers.Serializer):
    buyer = serializers.IntegerField(allow_null=True)
    opening = money()
    confirmed = money()
    paid = money()
    discounted = money()
    closing = money()
    financed = money()
