"""WebSocket endpoint of live pages: authenticated by session, bound to one brain."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from tenants.access import brain_access
from tenants.context import brain_context
from tenants.live import user_group
from tenants.models import Brain


@database_sync_to_async
def _enter(user, slug):
    brain = Brain.objects.filter(slug=slug).first()
    if brain is None or not user.is_authenticated:
        return None
    with brain_context(brain.pk):
        return brain if brain_access(user=user, brain=brain).can_enter else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """/ws/b/<brain>/live/: the user's own pushes in that brain (notifications, later bid boards).

    A user who may not enter the brain is refused at the handshake.
    """

    async def connect(self):
        user = self.scope.get("user")
        self.brain = await _enter(user, self.scope["url_route"]["kwargs"]["brain_slug"])
        if self.brain is None:
            await self.close(code=4404)
            return
        self.groups_joined = [user_group(self.brain.pk, user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "brain": self.brain.slug})

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def notification(self, message):
        await self.send_json({"type": "notification", "id": message["id"], "kind": message["kind"]})
