"""Pages of access: a member's requests and subscriptions, the operators' queue, each request and subscription with
its audit trail and actions (withdraw; approve, decline; revoke), the request form of a product, and the downloads.
Thin: forms in, dataproducts.services act, dataproducts.selectors decide what each viewer sees."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from dataproducts import downloads
from dataproducts.forms.access_requests import AccessReasonForm, AccessRequestForm
from dataproducts.models import AccessRequest
from dataproducts.selectors.subscriptions import (
    access_request_list,
    access_trail,
    readable_product_list,
    subscription_list,
)
from dataproducts.services import access_requests, subscriptions
from tenants.api.downloads import XLSX
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class AccessListView(BrainView):
    """A member's requests and subscriptions; an operator's queue of requests waiting, and every subscription."""

    def get(self, request, brain_slug):
        requests = access_request_list(brain=self.brain, viewer=self.access)
        return render(request, "dataproducts/access_requests/list.html", {
            "waiting": list(requests.filter(status=AccessRequest.Status.PENDING).order_by("created_at")[:200]),
            "decided": list(requests.exclude(status=AccessRequest.Status.PENDING)[:100]),
            "subscriptions": list(subscription_list(brain=self.brain, viewer=self.access)[:200]),
            "operator": self.access.is_operator,
        })


def _fail(request, form, error):
    if form is None:
        messages.error(request, error.detail)
    else:
        form_error(form, error)


class AccessRequestView(BrainView):
    """One request: what was asked, its trail; the requester withdraws, an operator approves or declines."""

    def access_request(self, pk) -> AccessRequest:
        return get_object_or_404(access_request_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.access_request(pk), {})

    def post(self, request, brain_slug, pk):
        access_request = self.access_request(pk)
        action = request.POST.get("action", "")
        if action not in ("approve", "decline", "withdraw"):
            return self._render(access_request, {}, status=400)
        form = AccessReasonForm(request.POST) if action != "withdraw" else None
        if form is None or form.is_valid():
            reason = form.cleaned_data["reason"] if form else ""
            try:
                if action == "approve":
                    done = access_requests.access_request_approve(request=access_request, by=request.user,
                                                                  note=reason)
                    messages.success(request, _("Approved: the subscription is granted."))
                    return HttpResponseRedirect(reverse("dataproducts:subscription",
                                                        args=[brain_slug, done.subscription.pk]))
                if action == "decline":
                    access_requests.access_request_decline(request=access_request, by=request.user, reason=reason)
                    messages.success(request, _("Declined: the member reads your reason."))
                else:
                    access_requests.access_request_withdraw(request=access_request, by=request.user)
                    messages.success(request, _("Your request is withdrawn."))
                return HttpResponseRedirect(reverse("dataproducts:access-request", args=[brain_slug, pk]))
            except DomainError as error:
                _fail(request, form, error)
                status = 403 if error.status == 403 else 400
                return self._render(self.access_request(pk), {action: form} if form else {}, status=status)
        return self._render(access_request, {action: form}, status=400)

    def _render(self, access_request, forms, status=200):
        pending = access_request.status == AccessRequest.Status.PENDING
        operator = self.access.is_operator
        return render(self.request, "dataproducts/access_requests/detail.html", {
            "access_request": access_request,
            "trail": access_trail(brain=self.brain, viewer=self.access, request=access_request),
            "subscription": getattr(access_request, "subscription", None),
            "approve_form": forms.get("approve") or AccessReasonForm() if pending and operator else None,
            "decline_form": forms.get("decline") or AccessReasonForm() if pending and operator else None,
            "can_withdraw": pending and self.access.enterprise_id == access_request.enterprise_id,
        }, status=status)


class SubscriptionView(BrainView):
    """One subscription: its term and prices, its trail; an operator revokes it with a reason."""

    def subscription(self, pk):
        return get_object_or_404(subscription_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.subscription(pk), None)

    def post(self, request, brain_slug, pk):
        subscription = self.subscription(pk)
        if request.POST.get("action") != "revoke":
            return self._render(subscription, None, status=400)
        form = AccessReasonForm(request.POST)
        if form.is_valid():
            try:
                subscriptions.subscription_revoke(subscription=subscription, by=request.user,
                                                  reason=form.cleaned_data["reason"])
            except DomainError as error:
                form_error(form, error)
                return self._render(subscription, form, status=403 if error.status == 403 else 400)
            messages.success(request, _("Revoked: reads stop now."))
            return HttpResponseRedirect(reverse("dataproducts:subscription", args=[brain_slug, pk]))
        return self._render(subscription, form, status=400)

    def _render(self, subscription, form, status=200):
        # a renewal granted ahead may be revoked before it starts, as one in force
        revocable = (self.access.is_operator and subscription.revoked_at is None
                     and subscription.ends_at > timezone.now())
        return render(self.request, "dataproducts/subscriptions/detail.html", {
            "subscription": subscription,
            "trail": access_trail(brain=self.brain, viewer=self.access, subscription=subscription),
            "revoke_form": (form or AccessReasonForm()) if revocable else None,
        }, status=status)


class ProductAccessView(BrainView):
    """A product's access box (what the product page includes) on a page of its own; a member's request form posts
    here."""

    def product(self, pk):
        return get_object_or_404(readable_product_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return render(request, "dataproducts/access_requests/product.html", {"product": self.product(pk)})

    def post(self, request, brain_slug, pk):
        product = self.product(pk)
        form = AccessRequestForm(request.POST)
        if form.is_valid():
            try:
                made = access_requests.access_request_make(product=product, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Your request is sent: an operator decides on it."))
                return HttpResponseRedirect(reverse("dataproducts:access-request", args=[brain_slug, made.pk]))
        return render(request, "dataproducts/access_requests/product.html", {"product": product, "form": form},
                      status=400)


class DownloadView(BrainView):
    """A published revision's rows as CSV or XLSX, for whoever may read the product now (metered for
    subscribers)."""

    def get(self, request, brain_slug, pk, kind):
        if kind not in ("csv", "xlsx"):
            raise Http404
        product = get_object_or_404(readable_product_list(brain=self.brain, viewer=self.access), pk=pk)
        try:
            content, name = downloads.download(product=product, viewer=self.access, kind=kind,
                                               number=request.GET.get("revision"))
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            return render(request, "dataproducts/access_requests/product.html",
                          {"product": product, "refused": error.detail}, status=error.status)
        response = HttpResponse(content, content_type=XLSX if kind == "xlsx" else "text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
