"""A person's own notifications in a brain."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants.api.base import BrainScopedViewSet
from tenants.api.serializers.notifications import MarkReadSerializer, NotificationSerializer
from tenants.models import Notification
from tenants.selectors.notifications import notification_list
from tenants.services import notifications


class NotificationViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The user's own notifications in this brain."""

    queryset = Notification.objects.all()
    selector = notification_list
    serializer_class = NotificationSerializer

    @extend_schema(request=MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request, brain_slug=None):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = notifications.notifications_mark_read(
            brain=request.brain, user=request.user, ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": count})
