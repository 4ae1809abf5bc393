"""Live tier updates on a campaign's page: every pledge moves the total, the tier and what the next one needs
for everyone who may see the campaign. The push says only that it changed; the page re-fetches."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from supplychain.selectors.group_buys import group_buy_list
from tenants.access import brain_access
from tenants.consumers import live_topic


def group_buy_group(brain_id: int, group_buy_id: int) -> str:
    return f"brain-{brain_id}.group-buy-{group_buy_id}"


def push_group_buy_update(brain_id: int, group_buy_id: int, what: str) -> None:
    async_to_sync(get_channel_layer().group_send)(
        group_buy_group(brain_id, group_buy_id),
        {"type": "live.update", "topic": "group_buy", "id": group_buy_id, "what": what})


@live_topic("group_buy")
def group_buy_followers(user, brain, group_buy_id: int) -> str | None:
    """Whoever may open the campaign's page follows it (the total and tier are public to its readers)."""
    access = brain_access(user=user, brain=brain)
    if not access.can_enter:
        return None
    visible = group_buy_list(brain=brain, viewer=access)
    return group_buy_group(brain.pk, group_buy_id) if visible.filter(pk=group_buy_id).exists() else None
