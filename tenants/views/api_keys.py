"""An enterprise administrator's API keys: issue one (its secret shown once), revoke one, read what keys did."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from tenants.errors import DomainError
from tenants.forms.api_keys import ApiKeyForm
from tenants.models import ApiKey, Brain
from tenants.selectors.api_keys import api_calls
from tenants.selectors.brains import brains_for_user
from tenants.services import api_keys


class ApiKeysView(LoginRequiredMixin, View):
    """Enterprise administrators: issue (secret shown once) and revoke API keys."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_enterprise_admin:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _brains(self):
        return brains_for_user(user=self.request.user)

    def get(self, request):
        return self._render(ApiKeyForm(brains=self._brains()))

    def post(self, request):
        if "revoke" in request.POST:
            if not request.POST["revoke"].isdigit():
                raise Http404
            api_key = get_object_or_404(ApiKey, pk=request.POST["revoke"], enterprise_id=request.user.enterprise_id)
            api_keys.api_key_revoke(api_key=api_key, by=request.user)
            messages.success(request, _("Key revoked."))
            return HttpResponseRedirect(request.path)
        form = ApiKeyForm(request.POST, brains=self._brains())
        issued = None
        if form.is_valid():
            try:
                issued = api_keys.api_key_create(
                    by=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                    brains=list(form.cleaned_data["brains"]),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                form = ApiKeyForm(brains=self._brains())
        return self._render(form, issued=issued, status=200 if form.is_valid() or issued else 400)

    def _render(self, form, issued=None, status=200):
        keys = ApiKey.objects.filter(enterprise_id=self.request.user.enterprise_id)
        slugs = dict(Brain.objects.values_list("pk", "slug"))
        rows = [(key, [slugs.get(pk, "?") for pk in key.brain_ids]) for key in keys]
        calls = api_calls(api_key=None, enterprise_id=self.request.user.enterprise_id)[:20]
        return render(self.request, "tenants/api_keys/list.html",
                      {"form": form, "rows": rows, "issued": issued, "calls": calls}, status=status)
