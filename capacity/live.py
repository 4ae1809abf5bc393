"""Live updates of RFQ pages. The message says only that something changed: the page re-fetches what
its reader may see, so nothing sealed travels over the socket."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def rfq_group(brain_id: int, rfq_id: int) -> str:
    return f"brain-{brain_id}.rfq-{rfq_id}"


def push_rfq_update(brain_id: int, rfq_id: int, what: str) -> None:
    async_to_sync(get_channel_layer().group_send)(rfq_group(brain_id, rfq_id),
                                                  {"type": "rfq.update", "rfq": rfq_id, "what": what})
