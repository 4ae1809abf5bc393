"""A person's notifications in a brain, and the unread badge of the layout."""

from django.http import HttpResponseRedirect
from django.shortcuts import render

from tenants.selectors.notifications import notification_list, unread_notification_count
from tenants.services.notifications import notifications_mark_read
from tenants.views.base import BrainView


class NotificationsView(BrainView):
    def get(self, request, brain_slug):
        notifications = notification_list(brain=self.brain, viewer=self.access)[:100]
        return render(request, "tenants/notifications/list.html", {"notifications": notifications})

    def post(self, request, brain_slug):
        notifications_mark_read(brain=self.brain, user=request.user)
        return HttpResponseRedirect(request.path)


class UnreadCountView(BrainView):
    """htmx fragment: the badge in the layout, refreshed when a live notification arrives."""

    def get(self, request, brain_slug):
        count = unread_notification_count(brain=self.brain, user=request.user)
        return render(request, "tenants/notifications/_unread_badge.html", {"unread": count})
