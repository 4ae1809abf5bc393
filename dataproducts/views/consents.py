""""What my data fed": the products and published revisions an enterprise's data contributed to, with counts, and
its opt-outs (an administrator opts out of what is not required, and back in). Operators open any member's."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dataproducts.selectors.consents import contribution_list, fed_products
from dataproducts.selectors.products import product_list
from dataproducts.services import consents
from tenants.errors import DomainError
from tenants.models import Membership
from tenants.views.base import BrainView


class ContributionsView(BrainView):
    def enterprise_id(self, request) -> int:
        asked = request.GET.get("enterprise", "")
        if self.access.is_operator and asked.isdigit():
            return get_object_or_404(Membership.objects.in_brain(self.brain), enterprise_id=int(asked)).enterprise_id
        if not self.access.is_member:
            raise Http404
        return self.access.enterprise_id

    def get(self, request, brain_slug):
        enterprise_id = self.enterprise_id(request)
        own = enterprise_id == self.access.enterprise_id
        return render(request, "dataproducts/consents/contributions.html", {
            "fed": fed_products(self.brain, self.access, enterprise_id),
            "contributions": list(contribution_list(self.brain, self.access, enterprise_id)[:200]),
            "may_decide": own and request.user.is_enterprise_admin,
            "enterprise": Membership.objects.in_brain(self.brain).select_related("enterprise")
            .get(enterprise_id=enterprise_id).enterprise})

    def post(self, request, brain_slug):
        action = request.POST.get("action", "")
        raw = request.POST.get("product", "")
        product = product_list(brain=self.brain, viewer=self.access).filter(pk=int(raw)).first() \
            if raw.isdigit() else None
        if action not in ("opt_out", "opt_in") or product is None:
            messages.error(request, _("Choose a product and whether to opt out or in."))
            return HttpResponseRedirect(reverse("dataproducts:contributions", args=[brain_slug]))
        try:
            if action == "opt_out":
                consents.opt_out(product=product, by=request.user)
                messages.success(request, _("Opted out: the next revisions of %(product)s leave your records out.")
                                 % {"product": product.name})
            else:
                consents.opt_in(product=product, by=request.user)
                messages.success(request, _("Opted in: the next revisions of %(product)s may use your records.")
                                 % {"product": product.name})
        except DomainError as error:
            messages.error(request, error.detail)
        return HttpResponseRedirect(reverse("dataproducts:contributions", args=[brain_slug]))
