"""Pages of the capability centre (能力中心): the catalogue (components by kind with their ratings, and the brain's
data products), one component (versions, release notes, fits, rating; install, uninstall, download, open, rate;
the operators' review), the operators' review queue and the components other brains offer, the vendor's submission
form, and a member's installations with their API calls. Thin: forms in, services do the work, selectors decide."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dataproducts.forms.components import ComponentSubmitForm, OfferForm, RateForm, ReasonForm, VersionForm
from dataproducts.models import Component, ComponentListing
from dataproducts.selectors.components import components_offered_elsewhere, listing_list, listing_versions
from dataproducts.selectors.installations import installation_calls, installation_list
from dataproducts.selectors.products import product_list
from dataproducts.selectors.ratings import rating_list
from dataproducts.services import components, installations, ratings
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView

Kind = Component.Kind
Status = ComponentListing.Status


class CapabilityCentreView(BrainView):
    """The brain's capability centre: listed components by kind (knowledge, tools, apps) with their rating, and the
    brain's data products in the same catalogue."""

    def get(self, request, brain_slug):
        rows = listing_list(brain=self.brain, viewer=self.access).filter(status__in=(Status.LISTED,
                                                                                    Status.DEPRECATED))
        kind = request.GET.get("kind", "")
        groups = [(value, label, [r for r in rows if r.component.kind == value]) for value, label in Kind.choices
                  if not kind or kind == value]
        products = product_list(self.brain, self.access).order_by("name_zh", "pk")[:200] if not kind else []
        me = self.access.enterprise_id if self.access.is_member else None
        return render(request, "dataproducts/components/centre.html", {
            "groups": groups, "kind": kind, "kinds": Kind.choices, "products": products,
            "can_submit": bool((me and request.user.is_enterprise_admin) or self.access.is_operator),
            "is_operator": self.access.is_operator,
            "pending": listing_list(brain=self.brain, viewer=self.access).filter(status=Status.PENDING).count()
            if self.access.is_operator else 0,
            "mine": [r for r in listing_list(brain=self.brain, viewer=self.access)
                     if me and r.component.vendor_id == me and r.status in (Status.PENDING, Status.REJECTED)],
        })


class ComponentSubmitView(BrainView):
    """A vendor (a member's administrator) or an operator offers a component here; it waits for review."""

    def get(self, request, brain_slug):
        return render(request, "dataproducts/components/new.html", {"form": ComponentSubmitForm()})

    def post(self, request, brain_slug):
        form = ComponentSubmitForm(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                if data.get("document"):
                    data["document"] = components.document_received(data["document"])
                listing = components.component_submit(brain=self.brain, by=request.user, **data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Submitted: the operators review it before it is listed."))
                return HttpResponseRedirect(reverse("dataproducts:component", args=[brain_slug, listing.pk]))
        return render(request, "dataproducts/components/new.html", {"form": form}, status=400)


class ComponentView(BrainView):
    """One component of this brain: versions, release notes, the brains each fits, the rating; members install or
    uninstall an app, download a document, open a tool and rate; operators approve, reject or deprecate; the vendor
    releases versions."""

    FORMS = {"rate": RateForm, "reject": ReasonForm, "deprecate": ReasonForm, "version": VersionForm}

    def listing(self, pk) -> ComponentListing:
        return get_object_or_404(listing_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.listing(pk), {})

    def post(self, request, brain_slug, pk):
        listing = self.listing(pk)
        action = request.POST.get("action", "")
        if action not in ("install", "uninstall", "approve", *self.FORMS):
            return self._render(listing, {}, status=400)
        form = self.FORMS[action](request.POST, request.FILES) if action in self.FORMS else None
        if form is None or form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")} if form else {}
            try:
                said = self.act(action, listing, data)
            except DomainError as error:
                if form is None:
                    messages.error(request, error.detail)
                    return self._render(listing, {}, status=400)
                form_error(form, error)
            else:
                messages.success(request, said)
                if action == "install":
                    return self._render(self.listing(pk), {}, secret=self.secret)
                return HttpResponseRedirect(reverse("dataproducts:component", args=[brain_slug, listing.pk]))
        return self._render(listing, {action: form}, status=400)

    def act(self, action, listing, data) -> str:
        user = self.request.user
        if action == "install":
            # the secret is shown once, in this answer only: not in a message (a cookie) or anywhere stored
            self.secret = installations.installation_create(listing=listing, by=user).secret
            return _("Installed: the app has an API key of your enterprise for this brain and its webhook.")
        if action == "uninstall":
            live = installation_list(brain=self.brain, viewer=self.access).filter(
                listing=listing, enterprise_id=user.enterprise_id, uninstalled_at__isnull=True).first()
            if live is None:
                raise DomainError(_("Your enterprise has not installed this app."), code="not_installed")
            installations.installation_remove(installation=live, by=user)
            return _("Uninstalled: the app's key is revoked and its webhook switched off.")
        if action == "rate":
            ratings.component_rate(listing=listing, by=user, **data)
            return _("Thank you: your rating is saved.")
        if action == "approve":
            components.listing_approve(listing=listing, by=user)
            return _("Listed: members see it now.")
        if action == "reject":
            components.listing_reject(listing=listing, by=user, **data)
            return _("Rejected; the vendor is told why.")
        if action == "deprecate":
            components.listing_deprecate(listing=listing, by=user, **data)
            return _("Deprecated: installations keep working, no new ones.")
        if data.get("document"):
            data["document"] = components.document_received(data["document"])
        components.component_version_release(listing=listing, by=user, **data)
        return _("Version released.")

    def _render(self, listing, forms, status=200, secret=""):
        user, access = self.request.user, self.access
        component = listing.component
        me = access.enterprise_id if access.is_member else None
        admin = bool(me and user.is_enterprise_admin)
        live = installation_list(brain=self.brain, viewer=access).filter(
            listing=listing, enterprise_id=me, uninstalled_at__isnull=True).first() if me else None
        open_for_use = listing.status in (Status.LISTED, Status.DEPRECATED)
        vendor = (component.vendor_id == me if component.vendor_id else
                  access.is_operator and component.home_brain_id == self.brain.pk)

        def form(name, cls, show):
            return (forms.get(name) or cls()) if show else None

        return render(self.request, "dataproducts/components/detail.html", {
            "listing": listing, "component": component, "versions": listing_versions(listing), "secret": secret,
            "ratings": rating_list(brain=self.brain, viewer=access).filter(listing=listing)[:100],
            "installation": live,
            "can_install": admin and component.kind == Kind.APP and listing.status == Status.LISTED and not live,
            "can_uninstall": admin and live is not None,
            "can_download": component.kind == Kind.KNOWLEDGE and (open_for_use or access.is_operator),
            "can_open": component.kind == Kind.TOOL and (open_for_use or access.is_operator),
            "is_operator": access.is_operator,
            "rate_form": form("rate", RateForm, bool(me) and open_for_use and ratings.may_rate(listing=listing,
                                                                                              enterprise_id=me)),
            "approve": access.is_operator and listing.status == Status.PENDING,
            "reject_form": form("reject", ReasonForm, access.is_operator and listing.status == Status.PENDING),
            "deprecate_form": form("deprecate", ReasonForm, access.is_operator and listing.status == Status.LISTED),
            "version_form": form("version", VersionForm, bool(vendor) and (admin or access.is_operator)),
        }, status=status)


class ComponentOpenView(BrainView):
    """A tool's link: opening it through here lets a member rate it."""

    def get(self, request, brain_slug, pk):
        listing = get_object_or_404(listing_list(brain=self.brain, viewer=self.access), pk=pk,
                                    component__kind=Kind.TOOL)
        try:
            components.component_open(listing=listing, by=request.user)
        except DomainError:
            raise Http404 from None
        return HttpResponseRedirect(listing.component.homepage)


class ReviewQueueView(BrainView):
    """Operators: the listings waiting for review, oldest first, and the rest of the brain's catalogue by status."""

    operators_only = True

    def get(self, request, brain_slug):
        rows = listing_list(brain=self.brain, viewer=self.access)
        return render(request, "dataproducts/components/review.html", {
            "pending": rows.filter(status=Status.PENDING).order_by("submitted_at", "id"),
            "others": rows.exclude(status=Status.PENDING)[:500],
        })


class OfferedElsewhereView(BrainView):
    """Operators: components first offered in other brains whose vendors let other brains list them; listing one
    here makes a listing of this brain that waits for this brain's own review."""

    operators_only = True

    def get(self, request, brain_slug):
        return self._render(None)

    def post(self, request, brain_slug):
        form = OfferForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                listing = components.listing_offer_here(brain=self.brain, by=request.user, **data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Listed here, waiting for your review."))
                return HttpResponseRedirect(reverse("dataproducts:component", args=[brain_slug, listing.pk]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(self.request, "dataproducts/components/elsewhere.html", {
            "offered": components_offered_elsewhere(brain=self.brain)[:500], "form": form}, status=status)


class InstallationListView(BrainView):
    """A member's installed apps (operators: the brain's), each with the API calls its key made; uninstall here."""

    def get(self, request, brain_slug):
        return self._render()

    def post(self, request, brain_slug):
        if request.POST.get("action") != "uninstall":
            return self._render(status=400)
        installation = get_object_or_404(installation_list(brain=self.brain, viewer=self.access),
                                         pk=request.POST.get("installation") or 0)
        try:
            installations.installation_remove(installation=installation, by=request.user)
        except DomainError as error:
            messages.error(request, error.detail)
            return self._render(status=400)
        messages.success(request, _("Uninstalled: the app's key is revoked and its webhook switched off."))
        return HttpResponseRedirect(reverse("dataproducts:installations", args=[brain_slug]))

    def _render(self, status=200):
        rows = [(installation, installation_calls(installation, limit=20))
                for installation in installation_list(brain=self.brain, viewer=self.access)[:100]]
        return render(self.request, "dataproducts/components/installations.html", {
            "rows": rows, "can_uninstall": self.request.user.is_enterprise_admin or self.access.is_operator},
            status=status)
