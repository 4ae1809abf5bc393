"""Web pages of the tenants app, and the base view every brain page uses."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from tenants import selectors, services
from tenants.access import brain_access
from tenants.errors import DomainError
from tenants.forms import (
    ApiKeyForm, ApplyForm, BrainActionForm, BrainCreateForm, DecisionForm, LoginForm, RateLimitForm,
)
from tenants.models import ApiKey, Brain, Membership


class BrainView(LoginRequiredMixin, View):
    """Base of every page under /b/<brain>/: membership checked once, here.

    Anyone who may not enter the brain gets a 404, never a hint that the page exists. On a suspended
    brain, a POST is refused with the notice the layout shows anyway.
    """

    open_to_non_members = False
    operators_only = False
    member_role: str | None = None  # e.g. "buyer": only active members with that role

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.brain = request.brain
        self.access = request.brain_access = brain_access(user=request.user, brain=self.brain)
        if not (self.access.can_enter or self.open_to_non_members):
            raise Http404
        if self.operators_only and not self.access.is_operator:
            raise Http404
        if self.member_role and not self.access.has_role(self.member_role):
            raise Http404
        if request.method == "POST" and self.access.read_only:
            messages.error(request, _("This brain is suspended and read-only."))
            return HttpResponseRedirect(reverse("brain-home", args=[self.brain.slug]))
        return super().dispatch(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "tenants/login.html"
    redirect_authenticated_user = True


class HomeView(LoginRequiredMixin, TemplateView):
    """The user's brains, their enterprise's applications, and brains it may still join."""

    template_name = "tenants/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = list(selectors.memberships_of_enterprise(enterprise_id=user.enterprise_id))
        applied = {m.brain_id for m in memberships}
        return {
            **super().get_context_data(**kwargs),
            "brains": selectors.brains_for_user(user=user),
            "memberships": memberships,
            "joinable": Brain.objects.filter(status=Brain.Status.ACTIVE).exclude(pk__in=applied)
            if user.is_enterprise_admin else [],
        }


class JoinView(BrainView):
    open_to_non_members = True
    template_name = "tenants/join.html"

    def get(self, request, brain_slug):
        return self._render(ApplyForm())

    def post(self, request, brain_slug):
        form = ApplyForm(request.POST)
        if form.is_valid():
            try:
                if request.user.enterprise is None:
                    raise DomainError(_("Only an administrator of the enterprise may apply for it."))
                services.membership_apply(
                    brain=self.brain, enterprise=request.user.enterprise, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Your application was sent to the brain's operators."))
                return HttpResponseRedirect(reverse("home"))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(
            self.request, self.template_name,
            {"form": form, "membership": self.access.membership}, status=status,
        )


class OperatorMembersView(BrainView):
    operators_only = True

    def get(self, request, brain_slug):
        status = request.GET.get("status") or ""
        if status and status not in Membership.Status.values:
            status = ""
        return render(request, "tenants/operator_members.html", {
            "memberships": selectors.membership_list(brain=self.brain, viewer=self.access, status=status or None),
            "status": status,
            "statuses": Membership.Status.choices,
        })

    def post(self, request, brain_slug):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            raise Http404
        membership = get_object_or_404(Membership.objects.in_brain(self.brain), pk=form.cleaned_data["membership"])
        try:
            if form.cleaned_data["decision"] == "verify":
                services.enterprise_verify(membership=membership, by=request.user)
            else:
                services.membership_decide(membership=membership, decision=form.cleaned_data["decision"],
                                           note=form.cleaned_data["note"], by=request.user)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Saved: %(enterprise)s") % {"enterprise": membership.enterprise})
        return HttpResponseRedirect(request.get_full_path())


class NotificationsView(BrainView):
    def get(self, request, brain_slug):
        notifications = selectors.notification_list(brain=self.brain, viewer=self.access)[:100]
        return render(request, "tenants/notifications.html", {"notifications": notifications})

    def post(self, request, brain_slug):
        services.notifications_mark_read(brain=self.brain, user=request.user)
        return HttpResponseRedirect(request.path)


class UnreadCountView(BrainView):
    """htmx fragment: the badge in the layout, refreshed when a live notification arrives."""

    def get(self, request, brain_slug):
        count = selectors.unread_notification_count(brain=self.brain, user=request.user)
        return render(request, "tenants/_unread_badge.html", {"unread": count})


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
                services.brain_create(**form.cleaned_data, by=self.request.user)
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
                services.brain_suspend(brain=brain, reason=form.cleaned_data["reason"], by=request.user)
                messages.success(request, _("Brain suspended: %(brain)s") % {"brain": brain})
            else:
                services.brain_reactivate(brain=brain, by=request.user)
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
        api_key = get_object_or_404(selectors.active_api_keys(), pk=form.cleaned_data["api_key"])
        try:
            api_key = services.api_key_set_rate_limit(
                api_key=api_key, rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"], by=self.request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
            return self._render(rate_form=form, status=400)
        messages.success(self.request, _("Rate limit of %(key)s: %(limit)s requests per minute.") % {
            "key": api_key, "limit": api_key.rate_limit_per_minute})
        return HttpResponseRedirect(self.request.path + "#api-keys")

    def _render(self, form=None, rate_form=None, status=200):
        slugs = dict(Brain.objects.values_list("pk", "slug"))
        keys = [(key, [slugs.get(pk, "?") for pk in key.brain_ids]) for key in selectors.active_api_keys()]
        # The refused value stays in its key's row, with the reason beside it.
        refused = rate_form.cleaned_data.get("api_key") if rate_form is not None and rate_form.is_bound else None
        return render(self.request, "tenants/console.html", {
            "brains": Brain.objects.all(), "form": form or BrainCreateForm(), "keys": keys,
            "rate_form": rate_form, "refused_key": refused,
            "limit_changes": selectors.rate_limit_changes()[:20],
        }, status=status)


class ApiKeysView(LoginRequiredMixin, View):
    """Enterprise administrators: issue (secret shown once) and revoke API keys."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_enterprise_admin:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _brains(self):
        return selectors.brains_for_user(user=self.request.user)

    def get(self, request):
        return self._render(ApiKeyForm(brains=self._brains()))

    def post(self, request):
        if "revoke" in request.POST:
            if not request.POST["revoke"].isdigit():
                raise Http404
            api_key = get_object_or_404(ApiKey, pk=request.POST["revoke"], enterprise_id=request.user.enterprise_id)
            services.api_key_revoke(api_key=api_key, by=request.user)
            messages.success(request, _("Key revoked."))
            return HttpResponseRedirect(request.path)
        form = ApiKeyForm(request.POST, brains=self._brains())
        issued = None
        if form.is_valid():
            try:
                issued = services.api_key_create(
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
        calls = selectors.api_calls(api_key=None, enterprise_id=self.request.user.enterprise_id)[:20]
        return render(self.request, "tenants/api_keys.html",
                      {"form": form, "rows": rows, "issued": issued, "calls": calls}, status=status)


def not_found(request, exception=None):
    """404 for the whole site: JSON in the API's error format under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found."), "fields": {}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "detail": _("Something went wrong on our side."), "fields": {}}, status=500
        )
    return render(request, "500.html", status=500)
