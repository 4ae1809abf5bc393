"""The capability centre over the API: a listing as its brain's members see it (the component, its newest version,
the rating), its versions, the bodies of submit, review, offer, install and rate."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dataproducts.models import Component, ComponentListing, ComponentRating, ComponentVersion, Installation
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money
from tenants.models import ApiCall, ApiKey

PRICE_IN = {"max_digits": 14, "decimal_places": 2, "required": False, "allow_null": True, "default": None}


class ComponentSerializer(serializers.ModelSerializer):
    vendor = EnterpriseBriefSerializer(read_only=True, allow_null=True)
    # plain strings: empty where the kind has none (a tool has no webhook, an app may have no home page)
    homepage = serializers.CharField(read_only=True)
    webhook_url = serializers.CharField(read_only=True)

    class Meta:
        model = Component
        fields = ["id", "kind", "name_zh", "name_en", "summary_zh", "summary_en", "vendor", "homepage",
                  "webhook_url", "api_scope", "event_types", "offered_to_other_brains", "created_at"]
        read_only_fields = fields


class ComponentVersionSerializer(serializers.ModelSerializer):
    fits = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = ComponentVersion
        fields = ["id", "version", "release_notes", "fits", "document_name", "has_document", "released_at"]
        read_only_fields = fields

    def get_has_document(self, version) -> bool:
        return bool(version.document)


class ComponentListingSerializer(serializers.ModelSerializer):
    """A listing of this brain: pending, listed, rejected (with the reason) or deprecated (with the reason: its
    installations keep working, no new ones)."""

    component = ComponentSerializer(read_only=True)
    install_price = money(allow_null=True)
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True, allow_null=True)
    rating_count = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ComponentListing
        fields = ["id", "component", "status", "reason", "install_price", "vat_rate", "submitted_at", "reviewed_at",
                  "rating_average", "rating_count", "download"]
        read_only_fields = fields

    def get_download(self, listing) -> str | None:
        """Where a knowledge document's newest file is (opening it counts as using it)."""
        if listing.component.kind != Component.Kind.KNOWLEDGE:
            return None
        brain = self.context.get("brain")
        return reverse("component-listing-download", kwargs={"brain_slug": brain.slug if brain else "",
                                                             "pk": listing.pk}) if brain else None


class ComponentSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Component.Kind.choices)
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    summary_zh = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    summary_en = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    homepage = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                     help_text=_("A tool's link (required for a tool)."))
    webhook_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                        help_text=_("An app's webhook URL (required for an app)."))
    api_scope = serializers.ChoiceField(choices=ApiKey.Scope.choices, required=False, allow_blank=True, default="")
    event_types = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list,
                                        max_length=50)
    offered_to_other_brains = serializers.BooleanField(required=False, default=False)
    version = serializers.CharField(max_length=30, required=False, default="1.0")
    release_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None, help_text=_(
        "A knowledge component's document: PDF, Word (.docx) or Excel (.xlsx), at most 20 MB; checked by content."))
    install_price = serializers.DecimalField(**PRICE_IN, help_text=_("An app's price per installation (yuan)."))
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default="6")


class VersionReleaseSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=30)
    release_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    fits = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list,
                                 max_length=100, help_text=_("Slugs of the brains it fits; this brain if none."))
    document = serializers.FileField(required=False, allow_null=True, default=None)


class ListingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ComponentOfferSerializer(serializers.Serializer):
    component = serializers.IntegerField(min_value=1)
    install_price = serializers.DecimalField(**PRICE_IN)
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default="6")


class OfferedComponentSerializer(ComponentSerializer):
    """A component first offered in another brain, whose vendor lets other brains list it."""

    home_brain = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    versions = ComponentVersionSerializer(many=True, read_only=True)

    class Meta(ComponentSerializer.Meta):
        fields = [*ComponentSerializer.Meta.fields, "home_brain", "versions"]
        read_only_fields = fields


class ComponentRateSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ComponentRatingSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(read_only=True)

    class Meta:
        model = ComponentRating
        fields = ["id", "listing", "enterprise", "stars", "comment", "at"]
        read_only_fields = fields


class InstallationSerializer(serializers.ModelSerializer):
    """A member's installation of an app: the key it granted (its prefix: the secret is shown once, at install) and
    the webhook endpoint it subscribed."""

    enterprise = EnterpriseBriefSerializer(read_only=True)
    component = serializers.CharField(source="listing.component.name_zh", read_only=True)
    version = serializers.CharField(source="version.version", read_only=True)
    api_key_prefix = serializers.CharField(source="api_key.prefix", read_only=True, default=None, allow_null=True)
    api_key_revoked_at = serializers.DateTimeField(source="api_key.revoked_at", read_only=True, default=None,
                                                   allow_null=True)
    webhook_endpoint = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    installed_by = PersonField()

    class Meta:
        model = Installation
        fields = ["id", "listing", "component", "version", "enterprise", "api_key_prefix", "api_key_revoked_at",
                  "webhook_endpoint", "installed_by", "installed_at", "uninstalled_at"]
        read_only_fields = fields


class InstalledSerializer(InstallationSerializer):
    api_key_secret = serializers.CharField(read_only=True, help_text=_(
        "The app's API key: shown this once; give it to the app."))

    class Meta(InstallationSerializer.Meta):
        fields = [*InstallationSerializer.Meta.fields, "api_key_secret"]
        read_only_fields = fields


class InstallationCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiCall
        fields = ["id", "brain_slug", "method", "path", "status_code", "replayed", "at"]
        read_only_fields = fields

