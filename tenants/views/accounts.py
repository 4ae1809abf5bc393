"""A person's own pages: signing in, and their home (their brains, their enterprise's applications, brains it may
still join)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from tenants.forms.accounts import LoginForm
from tenants.models import Brain
from tenants.selectors.brains import brains_for_user
from tenants.selectors.memberships import memberships_of_enterprise


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "tenants/accounts/login.html"
    redirect_authenticated_user = True


class HomeView(LoginRequiredMixin, TemplateView):
    """The user's brains, their enterprise's applications, and brains it may still join."""

    template_name = "tenants/accounts/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = list(memberships_of_enterprise(enterprise_id=user.enterprise_id))
        applied = {m.brain_id for m in memberships}
        return {
            **super().get_context_data(**kwargs),
            "brains": brains_for_user(user=user),
            "memberships": memberships,
            "joinable": Brain.objects.filter(status=Brain.Status.ACTIVE).exclude(pk__in=applied)
            if user.is_enterprise_admin else [],
        }
