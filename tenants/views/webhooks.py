"""The webhook pages of a brain, for an enterprise's administrators: endpoints, their delivery log, replays.

Thin: reads through tenants.selectors.webhooks, every write through tenants.webhooks (the same calls as the
API)."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants import webhooks
from tenants.errors import DomainError
from tenants.forms.webhooks import WebhookEndpointForm
from tenants.selectors.webhooks import webhook_delivery_list, webhook_endpoint_list
from tenants.views.base import BrainView


class WebhookView(BrainView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_enterprise_admin:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def endpoints(self):
        return webhook_endpoint_list(brain=self.brain, viewer=self.access)


class WebhookEndpointsView(WebhookView):
    """The enterprise's endpoints in this brain, and a form to subscribe a new one."""

    def get(self, request, brain_slug):
        return self._render(WebhookEndpointForm())

    def post(self, request, brain_slug):
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = webhooks.webhook_endpoint_create(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Endpoint added. Its signing secret is on its page."))
                return HttpResponseRedirect(reverse("webhook-endpoint", args=[self.brain.slug, endpoint.pk]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(self.request, "tenants/webhooks/list.html", {
            "endpoints": self.endpoints(), "form": form, "event_types": webhooks.event_type_catalogue()},
            status=status)


class WebhookEndpointView(WebhookView):
    """One endpoint: its secret, settings and the log of its deliveries with every attempt; ping, replay,
    rotate the secret, switch off and on, remove."""

    def get(self, request, brain_slug, pk):
        endpoint = get_object_or_404(self.endpoints(), pk=pk)
        status = request.GET.get("status", "")
        deliveries = webhook_delivery_list(brain=self.brain, viewer=self.access)
        deliveries = deliveries.filter(endpoint=endpoint)
        if status in ("pending", "succeeded", "failed"):
            deliveries = deliveries.filter(status=status)
        return render(request, "tenants/webhooks/detail.html", {
            "endpoint": endpoint, "deliveries": deliveries[:50], "status": status,
            "form": WebhookEndpointForm(initial={"url": endpoint.url, "description": endpoint.description,
                                                 "event_types": endpoint.event_types})})

    def post(self, request, brain_slug, pk):
        endpoint = get_object_or_404(self.endpoints(), pk=pk)
        action = request.POST.get("action", "")
        here = reverse("webhook-endpoint", args=[self.brain.slug, endpoint.pk])
        try:
            if action == "ping":
                webhooks.webhook_endpoint_ping(endpoint=endpoint, by=request.user)
                messages.success(request, _("A ping is on its way; its attempt appears below."))
            elif action == "rotate":
                webhooks.webhook_endpoint_rotate_secret(endpoint=endpoint, by=request.user)
                messages.success(request, _("New secret made: update your receiver now."))
            elif action == "switch":
                webhooks.webhook_endpoint_update(endpoint=endpoint, by=request.user, is_active=not endpoint.is_active)
                messages.success(request, _("Endpoint switched on: waiting deliveries go out now.") if not
                                 endpoint.is_active else _("Endpoint switched off: deliveries wait until it is on."))
            elif action == "replay":
                deliveries = webhook_delivery_list(brain=self.brain, viewer=self.access)
                delivery_id = request.POST.get("delivery", "")
                delivery = get_object_or_404(deliveries.filter(endpoint=endpoint),
                                             pk=delivery_id if delivery_id.isdigit() else 0)
                webhooks.webhook_delivery_replay(delivery=delivery, by=request.user)
                messages.success(request, _("Delivery %(id)s is sent again.") % {"id": delivery.webhook_id})
            elif action == "delete":
                webhooks.webhook_endpoint_delete(endpoint=endpoint, by=request.user)
                messages.success(request, _("Endpoint removed."))
                return HttpResponseRedirect(reverse("webhooks", args=[self.brain.slug]))
            elif action == "save":
                form = WebhookEndpointForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
                    return HttpResponseRedirect(here)
                webhooks.webhook_endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
                messages.success(request, _("Saved."))
            else:
                raise Http404
        except DomainError as error:
            messages.error(request, error.detail)
        return HttpResponseRedirect(here)
