"""The platform console, for platform administrators: create, suspend and reactivate brains; set each API key's
rate limit."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from tenants.errors import DomainError
from tenants.forms.console import BrainActionForm, BrainCreateForm, RateLimitForm
from tenants.models import Brain
from tenants.selectors.api_keys import active_api_keys, rate_limit_changes
from tenants.services import api_keys, brains


class ConsoleView(LoginRequiredMixin, View):
    """Platform administrators: create, suspend and reactivate brains; set each API key's rate limit."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_platform_admin:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render()

    def post(self, request):
        handler = {
            "create": self._create, "suspend": self._brain_action, "reactivate": self._brain_action,
            "rate-limit": self._rate_limit,
        }.get(request.POST.get("action"))
        if handler is None:
            raise Http404
        return handler()

    def _create(self):
        form = BrainCreateForm(self.request.POST)
        if form.is_valid():
            try:
                brains.brain_create(**form.cleaned_data, by=self.request.user)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(self.request, _("Brain created."))
                return HttpResponseRedirect(self.request.path)
        return self._render(form=form, status=400)

    def _brain_action(self):
        request = self.request
        form = BrainActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(m for errors in form.errors.values() for m in errors))
            return HttpResponseRedirect(request.path)
        brain = get_object_or_404(Brain, pk=form.cleaned_data["brain"])
        try:
            if form.cleaned_data["action"] == "suspend":
                brains.brain_suspend(brain=brain, reason=form.cleaned_data["reason"], by=request.user)
                messages.success(request, _("Brain suspended: %(brain)s") % {"brain": brain})
            else:
                brains.brain_reactivate(brain=brain, by=request.user)
                messages.success(request, _("Brain reactivated: %(brain)s") % {"brain": brain})
        except DomainError as error:
            messages.error(request, error.detail)
        return HttpResponseRedirect(request.path)

    def _rate_limit(self):
        form = RateLimitForm(self.request.POST)
        if not form.is_valid():
            if "api_key" in form.errors:
                raise Http404
            return self._render(rate_form=form, status=400)
        api_key = get_object_or_404(active_api_keys(), pk=form.cleaned_data["api_key"])
        try:
            api_key = api_keys.api_key_set_rate_limit(
                api_key=api_key, rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"], by=self.request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
            return self._render(rate_form=form, status=400)
        messages.success(self.request, _("Rate limit of %(key)s: %(limit)s requests per minute.") % {
            "key": api_key, "limit": api_key.rate_limit_per_minute})
        return HttpResponseRedirect(self.request.path + "#api-keys")

    def _render(self, form=None, rate_form=None, status=200):
        slugs = dict(Brain.objects.values_list("pk", "slug"))
        keys = [(key, [slugs.get(pk, "?") for pk in key.brain_ids]) for key in active_api_keys()]
        # The refused value stays in its key's row, with the reason beside it.
        refused = rate_form.cleaned_data.get("api_key") if rate_form is not None and rate_form.is_bound else None
        return render(self.request, "tenants/console/console.html", {
            "brains": Brain.objects.all(), "form": form or BrainCreateForm(), "keys": keys,
            "rate_form": rate_form, "refused_key": refused,
            "limit_changes": rate_limit_changes()[:20],
        }, status=status)
