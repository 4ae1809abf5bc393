"""The base view every page under /b/<brain>/ uses, so membership is checked once, here."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from tenants.access import brain_access


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
