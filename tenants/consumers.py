"""WebSocket endpoint of live pages: authenticated by session, bound to one brain."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from collections.abc import Callable

from tenants.access import brain_access
from tenants.context import brain_context
from tenants.live import user_group
from tenants.models import Brain


# topic -> check(user, brain, object_id) -> Channels group name, or None when the user may not follow it.
# Apps register their live objects (e.g. capacity's "rfq"); checks run inside the brain.
TOPICS: dict[str, Callable] = {}


def live_topic(name: str):
    def register(check):
        TOPICS[name] = check
        return check

    return register


@database_sync_to_async
def _group_for(user, brain, topic, object_id):
    check = TOPICS.get(topic)
    if check is None or not isinstance(object_id, int):
        return None
    with brain_context(brain.pk):
        return check(user, brain, object_id)


@database_sync_to_async
def _enter(user, slug):
    brain = Brain.objects.filter(slug=slug).first()
    if brain is None or not user.is_authenticated:
        return None
    with brain_context(brain.pk):
        return brain if brain_access(user=user, brain=brain).can_enter else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """/ws/b/<brain>/live/: the user's own pushes in that brain (notifications), and updates of objects
    the page follows (an RFQ's quote count, …). A user who may not enter the brain is refused at the
    handshake; a subscription to an object the user may not see is refused.
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

    async def receive_json(self, content, **kwargs):
        """{"subscribe": topic, "id": n}: follow one object the user may see (refused silently otherwise)."""
        group = await _group_for(self.scope["user"], self.brain, content.get("subscribe"), content.get("id"))
        if group is not None and group not in self.groups_joined:
            self.groups_joined.append(group)
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send_json({"type": "subscribed", "topic": content.get("subscribe"), "ok": group is not None})

    async def notification(self, message):
        await self.send_json({"type": "notification", "id": message["id"], "kind": message["kind"]})

    async def live_update(self, message):
        """Something changed on a followed object; the page re-fetches what its reader may see."""
        update = {"type": "update", "topic": message["topic"], "id": message["id"], "what": message["what"]}
        if message.get("parts"):  # the rows of the object that changed, when the page can re-fetch just those
            update["parts"] = message["parts"]
        await self.send_json(update)
