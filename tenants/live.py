"""Pushes to open pages over Channels. Group names say brain and audience, never another brain's."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def user_group(brain_id: int, user_id: int) -> str:
    return f"brain-{brain_id}.user-{user_id}"


def push_notifications(notifications) -> None:
    layer = get_channel_layer()
    for notification in notifications:
        async_to_sync(layer.group_send)(
            user_group(notification.brain_id, notification.user_id),
            {"type": "notification", "id": notification.pk, "kind": notification.kind},
        )
