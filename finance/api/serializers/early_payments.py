"""Early payments over the API."""

from rest_framework import serializers

from finance.models import EarlyPayment
from finance.selectors.early_payments import sees_the_price
from tenants.api.fields import EnterpriseBriefSerializer, money

PRICE = ("discount", "fee", "amount", "apr", "days_early")


class EarlyPaymentSerializer(serializers.ModelSerializer):
    """An early payment; a bank's price (discount, fee, amount paid, rate) only to the bank, its supplier and
    operators: the buyer who owes the claim sees whom it pays, not the price."""

    debtor = EnterpriseBriefSerializer(read_only=True)
    supplier = EnterpriseBriefSerializer(read_only=True)
    payer = EnterpriseBriefSerializer(read_only=True)
    face = money()
    discount = money(allow_null=True)
    fee = money(allow_null=True)
    amount = money(allow_null=True)
    apr = serializers.DecimalField(max_digits=7, decimal_places=4, read_only=True, allow_null=True)

    class Meta:
        model = EarlyPayment
        fields = ["id", "number", "kind", "payable", "certificate", "debtor", "supplier", "payer", "face", "discount",
                  "fee", "amount", "apr", "days_early", "paid_on", "matures_on", "settled_on", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        operator = bool(request and getattr(getattr(request, "brain_access", None), "is_operator", False))
        if not sees_the_price(instance, enterprise_id=self.context.get("enterprise_id"), operator=operator):
            data.update(dict.fromkeys(PRICE))
        return data


class MaturitySerializer(serializers.Serializer):
    due_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=["payable", "certificate"])
    id = serializers.IntegerField()
    number = serializers.CharField()
    amount = money()
    payee = EnterpriseBriefSerializer()
    financed = serializers.BooleanField(help_text="Financed by a bank: the payee is the bank.")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
