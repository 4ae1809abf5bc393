"""Data products over the API: the catalogue entry (its definition's fields, schedule, price, access and rule, and
in the detail a sample of the latest published revision's first rows), and the operators' create and update."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dataproducts.definitions import REGISTRY
from dataproducts.models import DataProduct, DataProductSettings
from dataproducts.privacy import rule_for
from dataproducts.selectors.revisions import revision_latest, sample_rows
from tenants.api.fields import money


class FieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()


class SampleRowSerializer(serializers.Serializer):
    dimensions = serializers.DictField()
    measures = serializers.DictField()
    is_remainder = serializers.BooleanField(help_text=_("The suppressed cells pooled (其他（已合并，保护隐私）)."))
    enterprises = serializers.IntegerField()


class DataProductSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    subscription_price = money(allow_null=True)
    price_per_call = money(allow_null=True)
    price_per_row = money(allow_null=True)
    dimensions = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField(help_text=_("month or week: what one row's period is"))
    refresh_schedule = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField(help_text=_("The privacy rule in force: the strictest of the brain's "
                                                         "and the product's."))

    class Meta:
        model = DataProduct
        fields = ["id", "code", "definition", "name", "name_zh", "name_en", "description", "description_zh",
                  "description_en", "access", "status", "required", "currency", "subscription_price",
                  "subscription_period", "price_per_call", "price_per_row", "vat_rate", "min_enterprises",
                  "max_share", "rule", "dimensions", "measures", "period", "refresh_schedule", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def _definition(self, product):
        return REGISTRY.get(product.definition)

    @staticmethod
    def _fields(fields):
        return [{"name": field.name, "label": field.label, "unit": field.unit} for field in fields]

    def get_dimensions(self, product) -> list[dict]:
        definition = self._definition(product)
        return self._fields(definition.dimensions) if definition else []

    def get_measures(self, product) -> list[dict]:
        definition = self._definition(product)
        return self._fields(definition.measures) if definition else []

    def get_period(self, product) -> str:
        definition = self._definition(product)
        return definition.period if definition else ""

    def get_refresh_schedule(self, product) -> str:
        definition = self._definition(product)
        return definition.schedule if definition else ""

    def get_rule(self, product) -> dict:
        rules = self.context.setdefault("rules", {})  # one settings read per response, not per product
        if product.brain_id not in rules:
            rules[product.brain_id] = DataProductSettings.objects.in_brain(product.brain_id).first()
        return rule_for(product, settings=rules[product.brain_id]).as_dict()


class DataProductDetailSerializer(DataProductSerializer):
    latest_revision = serializers.SerializerMethodField()
    sample = serializers.SerializerMethodField(help_text=_("The first rows of the latest published revision."))

    class Meta(DataProductSerializer.Meta):
        fields = DataProductSerializer.Meta.fields + ["latest_revision", "sample"]
        read_only_fields = fields

    def get_latest_revision(self, product) -> int | None:
        latest = revision_latest(product)
        return latest.pk if latest else None

    def get_sample(self, product) -> list[dict]:
        return SampleRowSerializer(sample_rows(product), many=True).data


PRICE = {"max_digits": 14, "decimal_places": 2, "required": False, "allow_null": True}


class DataProductCreateSerializer(serializers.Serializer):
    definition = serializers.ChoiceField(choices=sorted(REGISTRY))
    code = serializers.CharField(max_length=60)
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200)
    access = serializers.ChoiceField(choices=DataProduct.Access.choices)
    required = serializers.BooleanField(default=False)
    description_zh = serializers.CharField(required=False, allow_blank=True, default="")
    description_en = serializers.CharField(required=False, allow_blank=True, default="")
    subscription_price = serializers.DecimalField(**PRICE)
    subscription_period = serializers.ChoiceField(choices=DataProduct.Period.choices, default="month")
    price_per_call = serializers.DecimalField(**PRICE)
    price_per_row = serializers.DecimalField(**PRICE)
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, required=False)
    min_enterprises = serializers.IntegerField(required=False, allow_null=True)
    max_share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)


class DataProductUpdateSerializer(serializers.Serializer):
    name_zh = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False)
    description_zh = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    access = serializers.ChoiceField(choices=DataProduct.Access.choices, required=False)
    required = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=DataProduct.Status.choices, required=False)
    subscription_price = serializers.DecimalField(**PRICE)
    subscription_period = serializers.ChoiceField(choices=DataProduct.Period.choices, required=False)
    price_per_call = serializers.DecimalField(**PRICE)
    price_per_row = serializers.DecimalField(**PRICE)
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, required=False)
    min_enterprises = serializers.IntegerField(required=False, allow_null=True)
    max_share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)


class DataProductSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataProductSettings
        fields = ["min_enterprises", "max_share"]


class DataProductSettingsSaveSerializer(serializers.Serializer):
    min_enterprises = serializers.IntegerField(min_value=3, max_value=100)
    max_share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=10, max_value=100)
