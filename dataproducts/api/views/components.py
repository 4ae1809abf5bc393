"""The capability centre over the API: the brain's listings (submit; operators approve, reject, deprecate, and list
here a component other brains offer), their versions, opening a knowledge document or tool, installing an app (send
an Idempotency-Key: a retry installs nothing more) and rating; a member's installations (uninstall, the
app's API calls)."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dataproducts.api.filters.components import InstallationFilter, ListingFilter
from dataproducts.api.serializers.components import (
    ComponentListingSerializer,
    ComponentOfferSerializer,
    ComponentRateSerializer,
    ComponentRatingSerializer,
    ComponentSubmitSerializer,
    ComponentVersionSerializer,
    InstallationCallSerializer,
    InstallationSerializer,
    InstalledSerializer,
    ListingReasonSerializer,
    OfferedComponentSerializer,
    VersionReleaseSerializer,
)
from dataproducts.models import Component, ComponentListing, Installation
from dataproducts.selectors.components import components_offered_elsewhere, listing_list, listing_versions
from dataproducts.selectors.installations import installation_calls, installation_list
from dataproducts.selectors.ratings import rating_list
from dataproducts.services import components, installations, ratings
from tenants.api.base import BrainScopedViewSet
from tenants.api.downloads import DOWNLOAD
from tenants.errors import DomainError
from tenants.uploads import Upload

UPLOAD = [JSONParser, MultiPartParser, FormParser]  # a knowledge document comes as multipart


def document_of(data: dict) -> Upload | None:
    """The uploaded document as the services take it, refused unread when too large."""
    received = data.get("document")
    return components.document_received(received) if received else None


class ListingViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The brain's capability centre: listed and deprecated components for members and government viewers, one's
    own submissions for a vendor, everything for operators."""

    queryset = ComponentListing.objects.all()
    selector = listing_list
    serializer_class = ComponentListingSerializer
    filterset_class = ListingFilter
    parser_classes = UPLOAD

    @extend_schema(request={"multipart/form-data": ComponentSubmitSerializer,
                            "application/json": ComponentSubmitSerializer}, responses={201: ComponentListingSerializer})
    def create(self, request, brain_slug=None):
        """Offer a component in this brain (a member's administrator as its vendor, or an operator): it waits for
        the operators' review. A knowledge component sends its document as multipart."""
        data = self.valid(ComponentSubmitSerializer)
        data["document"] = document_of(data)
        listing = components.component_submit(brain=request.brain, by=request.user, **data)
        return self.fresh(listing, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ComponentListingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, brain_slug=None, pk=None):
        """An operator lists the component."""
        return self.fresh(components.listing_approve(listing=self.get_object(), by=request.user))

    @extend_schema(request=ListingReasonSerializer, responses=ComponentListingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, brain_slug=None, pk=None):
        """An operator refuses to list it, saying why (the vendor is told)."""
        return self.fresh(components.listing_reject(listing=self.get_object(), by=request.user,
                                                    **self.valid(ListingReasonSerializer)))

    @extend_schema(request=ListingReasonSerializer, responses=ComponentListingSerializer)
    @action(detail=True, methods=["post"])
    def deprecate(self, request, brain_slug=None, pk=None):
        """An operator deprecates a listed component, saying why: installations keep working, no new ones."""
        return self.fresh(components.listing_deprecate(listing=self.get_object(), by=request.user,
                                                       **self.valid(ListingReasonSerializer)))

    @extend_schema(methods=["get"], request=None, responses=ComponentVersionSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": VersionReleaseSerializer,
                                              "application/json": VersionReleaseSerializer},
                   responses={201: ComponentVersionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def versions(self, request, brain_slug=None, pk=None):
        """The component's versions, newest first, with release notes and the brains each fits; the vendor posts
        a new one."""
        listing = self.get_object()
        if request.method == "GET":
            return Response(ComponentVersionSerializer(listing_versions(listing), many=True).data)
        data = self.valid(VersionReleaseSerializer)
        data["document"] = document_of(data)
        made = components.component_version_release(listing=listing, by=request.user, **data)
        return Response(ComponentVersionSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], **DOWNLOAD)
    def download(self, request, brain_slug=None, pk=None):
        """A knowledge component's document (its newest version's); opening it lets a member rate it."""
        listing = self.get_object()
        version = next((v for v in listing_versions(listing) if v.document), None)
        if version is None:
            raise Http404
        components.component_open(listing=listing, by=request.user)
        response = FileResponse(version.document.open("rb"), as_attachment=True, filename=version.document_name,
                                content_type=components.document_content_type(version.document_name))
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @extend_schema(request=None, responses=ComponentListingSerializer)
    @action(detail=True, methods=["post"], url_path="open", url_name="open")
    def open_tool(self, request, brain_slug=None, pk=None):
        """A member opens a tool (its link is `component.homepage`), which lets it rate it."""
        listing = self.get_object()
        if listing.component.kind != Component.Kind.TOOL:
            raise DomainError(_("Only a tool is opened this way; download a knowledge document."),
                              code="not_a_tool")
        components.component_open(listing=listing, by=request.user)
        return self.fresh(listing)

    @extend_schema(request=None, responses={201: InstalledSerializer})
    @action(detail=True, methods=["post"])
    def install(self, request, brain_slug=None, pk=None):
        """Install an app for your enterprise (an administrator): it gets an API key of your enterprise for this
        brain only (the secret is in this answer, once) and a webhook endpoint for its event types. Send an
        Idempotency-Key: a retry installs nothing more and answers 409 `already_done` (the secret is not kept)."""
        installed = installations.installation_create(listing=self.get_object(), by=request.user)
        self.idempotency_keeps_answer = False  # the answer holds the key's secret: a retry is told it was done
        installation = installation_list(brain=request.brain, viewer=self.access).get(pk=installed.installation.pk)
        installation.api_key_secret = installed.secret
        return Response(InstalledSerializer(installation).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], request=None, responses=ComponentRatingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ratings(self, request, brain_slug=None, pk=None):
        """The ratings of this component in this brain, newest first."""
        listing = self.get_object()
        rows = rating_list(brain=request.brain, viewer=self.access).filter(listing=listing)[:500]
        return Response(ComponentRatingSerializer(rows, many=True).data)

    @extend_schema(request=ComponentRateSerializer, responses=ComponentRatingSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, brain_slug=None, pk=None):
        """Rate it 1–5 for your enterprise (having installed the app, or opened the document or tool); rating
        again changes your rating."""
        rating = ratings.component_rate(listing=self.get_object(), by=request.user, **self.valid(ComponentRateSerializer))
        return Response(ComponentRatingSerializer(rating).data)

    @extend_schema(responses=OfferedComponentSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def offered(self, request, brain_slug=None):
        """Operators: components first offered in other brains whose vendors let other brains list them, not yet
        listed here."""
        if not self.access.is_operator:
            raise Http404
        return Response(OfferedComponentSerializer(components_offered_elsewhere(brain=request.brain)[:500],
                                                   many=True).data)

    @extend_schema(request=ComponentOfferSerializer, responses={201: ComponentListingSerializer})
    @action(detail=False, methods=["post"])
    def offer(self, request, brain_slug=None):
        """Operators: list here a component offered elsewhere; it waits for this brain's review."""
        data = self.valid(ComponentOfferSerializer)
        listing = components.listing_offer_here(brain=request.brain, by=request.user,
                                                component=data.pop("component"), **data)
        return self.fresh(listing, status.HTTP_201_CREATED)


class InstallationViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Apps installed: your enterprise's (operators: the brain's)."""

    queryset = Installation.objects.all()
    selector = installation_list
    serializer_class = InstallationSerializer
    filterset_class = InstallationFilter

    @extend_schema(request=None, responses=InstallationSerializer)
    @action(detail=True, methods=["post"])
    def uninstall(self, request, brain_slug=None, pk=None):
        """Uninstall: the app's key is refused from the next request and its webhook endpoint is switched off."""
        return self.fresh(installations.installation_remove(installation=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=InstallationCallSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def calls(self, request, brain_slug=None, pk=None):
        """The write requests the app made with its key (the API's audit), newest first, at most 200."""
        return Response(InstallationCallSerializer(installation_calls(self.get_object()), many=True).data)
