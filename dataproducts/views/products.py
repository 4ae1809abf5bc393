"""Pages of the catalogue: the products (operators add one there), a product's page (description, fields, sample of
the latest published revision, refresh schedule, revisions with lineage, price and access; operators build, list and
retire), and the brain's privacy rule. Thin: forms in, services act, selectors decide what each viewer sees."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dataproducts.definitions import REGISTRY, last_complete_period
from dataproducts.forms.products import BuildForm, ProductForm, SettingsForm
from dataproducts.privacy import rule_for
from dataproducts.selectors.products import product_list, settings_for
from dataproducts.selectors.revisions import revision_latest, revision_list, sample_rows
from dataproducts.services import products, revisions
from dataproducts.services.settings import data_product_settings_save
from dataproducts.views.revisions import table
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class CatalogueView(BrainView):
    """The brain's data products: what each publishes, how often, at what price and access."""

    def get(self, request, brain_slug):
        return self._render(ProductForm() if self.access.is_operator else None)

    def post(self, request, brain_slug):
        form = ProductForm(request.POST)
        if form.is_valid():
            try:
                made = products.product_create(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
                return self._render(form, status=403 if error.status == 403 else 400)
            messages.success(request, _("Product %(name)s added as a draft: build a revision, then list it.") % {
                "name": made.name})
            return HttpResponseRedirect(reverse("dataproducts:product", args=[brain_slug, made.pk]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        rows = list(product_list(brain=self.brain, viewer=self.access))
        for product in rows:
            product.spec = REGISTRY.get(product.definition)
        return render(self.request, "dataproducts/products/list.html", {
            "products": rows, "form": form if self.access.is_operator else None,
            "operator": self.access.is_operator}, status=status)


class ProductView(BrainView):
    def product(self, pk):
        return get_object_or_404(product_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        product = self.product(pk)
        spec = REGISTRY.get(product.definition)
        initial = dict(zip(("period_from", "period_to"), last_complete_period(spec.period, timezone.localdate()), strict=True)) \
            if spec else {}
        return self._render(product, BuildForm(initial=initial))

    def post(self, request, brain_slug, pk):
        product = self.product(pk)
        action = request.POST.get("action", "")
        form = BuildForm(request.POST) if action == "build" else BuildForm()
        try:
            if action == "build":
                if not form.is_valid():
                    return self._render(product, form, status=400)
                made = revisions.revision_build(product=product, by=request.user, **form.cleaned_data)
                messages.success(request, _("Revision %(number)s built as a draft: check it, then publish.") % {
                    "number": made.number})
                return HttpResponseRedirect(reverse("dataproducts:revision", args=[brain_slug, made.pk]))
            if action in ("list", "retire"):
                products.product_update(product=product, by=request.user,
                                        status="listed" if action == "list" else "retired")
                messages.success(request, _("Listed in the catalogue.") if action == "list" else _("Retired."))
                return HttpResponseRedirect(reverse("dataproducts:product", args=[brain_slug, product.pk]))
        except DomainError as error:
            form_error(form, error)
            return self._render(product, form, status=403 if error.status == 403 else 400)
        return self._render(product, form, status=400)

    def _render(self, product, form, status=200):
        spec = REGISTRY.get(product.definition)
        latest = revision_latest(product)
        return render(self.request, "dataproducts/products/detail.html", {
            "product": product, "spec": spec, "rule": rule_for(product), "latest": latest,
            "sample": table(self.brain, spec, sample_rows(product)) if spec else None,
            "revisions": list(revision_list(brain=self.brain, viewer=self.access).filter(product=product)[:50]),
            "operator": self.access.is_operator, "form": form if self.access.is_operator else None,
        }, status=status)


class SettingsView(BrainView):
    """The brain's privacy rule: the floor every product's rule is held to (operators)."""

    operators_only = True

    def get(self, request, brain_slug):
        current = settings_for(self.brain)
        return self._render(SettingsForm(initial={"min_enterprises": current.min_enterprises,
                                                  "max_share": current.max_share}))

    def post(self, request, brain_slug):
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                data_product_settings_save(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
                return self._render(form, status=400)
            messages.success(request, _("The privacy rule is saved: revisions built from now on follow it."))
            return HttpResponseRedirect(reverse("dataproducts:privacy-settings", args=[brain_slug]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(self.request, "dataproducts/products/settings.html", {"form": form}, status=status)
