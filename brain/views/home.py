"""The brain's front page: who is in it, its process catalogue, and the sections the apps register
(brain.home)."""

from django.shortcuts import render

from brain.home import home_sections
from tenants.models import Process
from tenants.selectors.brains import brain_summary
from tenants.selectors.notifications import unread_notification_count
from tenants.views.base import BrainView


class BrainHomeView(BrainView):
    """The brain's front page: who is in it, its process catalogue, the user's place in it."""

    def get(self, request, brain_slug):
        return render(request, "brain/home/home.html", {
            "summary": brain_summary(brain=self.brain),
            "processes": Process.objects.in_brain(self.brain),
            "unread": unread_notification_count(brain=self.brain, user=request.user),
            "sections": home_sections(),
        })
