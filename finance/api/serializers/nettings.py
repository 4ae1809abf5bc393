"""Nettings over the API: the proposal's totals (to everyone who may see it), each party's own position, the
netted payables of the reader's own (operators: all), the operator's proposal and preview, the parties' answers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from finance.models import Netting, NettingLeg, NettingParty
from finance.selectors.nettings import netting_notes_visible
from finance.services.nettings import MAX_RESPOND_DAYS, RESPOND_DAYS
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money

SHARE = {"max_digits": 5, "decimal_places": 4, "read_only": True,
         "help_text": _("The netted share of what was owed in the window, 0 to 1.")}


class NettingSerializer(serializers.ModelSerializer):
    """Totals only: no party is named here (a party reads its own position and payables below)."""

    window_total = money(help_text=_("Owed on the confirmed payables due in the window that were free to net."))
    legs_total = money(help_text=_("Owed on the payables netted, before netting."))
    netted_total = money(help_text=_("Netted: the amount nobody needs to pay or finance."))
    share = serializers.DecimalField(**SHARE)
    confirmed_count = serializers.IntegerField(read_only=True, help_text=_("Parties that confirmed."))
    proposed_by = PersonField()

    class Meta:
        model = Netting
        fields = ["id", "number", "window_from", "window_to", "note", "status", "currency", "window_count",
                  "window_total", "leg_count", "legs_total", "netted_total", "share", "party_count", "confirmed_count",
                  "proposed_by", "proposed_at", "expires_at", "settled_at", "voided_at", "voided_because",
                  "void_reason", "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not netting_notes_visible(viewer=getattr(self.context.get("request"), "brain_access", None)):
            data["note"] = data["void_reason"] = ""
        return data


class NettingPositionSerializer(serializers.ModelSerializer):
    """A party's position: before (owes, is owed), netted, after; the same net either way."""

    enterprise = EnterpriseBriefSerializer(read_only=True)
    owes = money()
    owed = money()
    netted = money()
    owes_after = money(help_text=_("Still to pay, or to have financed, after netting."))
    owed_after = money(help_text=_("Still to be paid after netting."))
    net = money(help_text=_("Owed less owing: the same before and after."))
    decided_by = PersonField(allow_null=True)

    class Meta:
        model = NettingParty
        fields = ["id", "netting", "enterprise", "owes", "owed", "netted", "owes_after", "owed_after", "net",
                  "decision", "decided_at", "decided_by", "reason"]
        read_only_fields = fields


class NettingLegSerializer(serializers.ModelSerializer):
    """One netted payable: its parties, what was owed, netted, and the payable still owed for the rest."""

    payable_number = serializers.CharField(source="payable.number", read_only=True)
    due_on = serializers.DateField(source="payable.due_on", read_only=True)
    debtor = EnterpriseBriefSerializer(read_only=True)
    creditor = EnterpriseBriefSerializer(read_only=True)
    amount = money()
    netted = money()
    still_owed = money()

    class Meta:
        model = NettingLeg
        fields = ["id", "netting", "payable", "payable_number", "due_on", "debtor", "creditor", "amount", "netted",
                  "still_owed", "remainder"]
        read_only_fields = fields


class NettingWindowSerializer(serializers.Serializer):
    window_from = serializers.DateField(help_text=_("The first due date of the window."))
    window_to = serializers.DateField(help_text=_("The last due date of the window."))


class NettingProposeSerializer(NettingWindowSerializer):
    respond_days = serializers.IntegerField(min_value=1, max_value=MAX_RESPOND_DAYS, default=RESPOND_DAYS,
                                            help_text=_("Days the parties have to answer."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PlanPositionSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    owes = money()
    owed = money()
    netted = money()


class NettingPlanSerializer(serializers.Serializer):
    """What proposing the window would net now (nothing is proposed)."""

    window_from = serializers.DateField()
    window_to = serializers.DateField()
    window_count = serializers.IntegerField()
    window_total = money()
    leg_count = serializers.SerializerMethodField()
    legs_total = money()
    netted_total = money()
    share = serializers.DecimalField(**SHARE)
    positions = PlanPositionSerializer(many=True)

    def get_leg_count(self, plan) -> int:
        return len(plan.legs)


class NettingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=_("Why (required to reject): read by the parties and the operator."))
