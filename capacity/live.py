"""Live updates of RFQ pages. The message says only that something changed: the page re-fetches what
its reader may see, so nothing sealed travels over the socket."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from capacity.models import Project, Rfq
from tenants.access import brain_access
from tenants.consumers import live_topic


def rfq_group(brain_id: int, rfq_id: int) -> str:
    return f"brain-{brain_id}.rfq-{rfq_id}"


def push_rfq_update(brain_id: int, rfq_id: int, what: str) -> None:
    async_to_sync(get_channel_layer().group_send)(
        rfq_group(brain_id, rfq_id), {"type": "live.update", "topic": "rfq", "id": rfq_id, "what": what}
    )


@live_topic("rfq")
def rfq_followers(user, brain, rfq_id: int) -> str | None:
    """Only the buyer's users follow an RFQ: its updates tell when quotes arrive, which competing suppliers
    must not learn."""
    if user.enterprise_id is None:
        return None
    if Rfq.objects.in_brain(brain).filter(pk=rfq_id, buyer_id=user.enterprise_id).exists():
        return rfq_group(brain.pk, rfq_id)
    return None


# --- The buyer's project board --------------------------------------------------------------------


def board_group(brain_id: int, project_id: int) -> str:
    return f"brain-{brain_id}.board-{project_id}"


def push_board_update(brain_id: int, project_id: int, what: str, parts: list[int] = ()) -> None:
    """Any event of the project (a report, an acceptance, a delivery, a trial…): open boards re-fetch the rows
    of `parts` (the parts the event touched), or all of them when it does not say."""
    async_to_sync(get_channel_layer().group_send)(
        board_group(brain_id, project_id),
        {"type": "live.update", "topic": "board", "id": project_id, "what": what, "parts": sorted(parts)},
    )


@live_topic("board")
def board_followers(user, brain, project_id: int) -> str | None:
    """Only the users of the project's buyer enterprise follow its board (its buyer-only page)."""
    if user.enterprise_id is None or not brain_access(user=user, brain=brain).has_role("buyer"):
        return None
    if Project.objects.in_brain(brain).filter(pk=project_id, buyer_id=user.enterprise_id).exists():
        return board_group(brain.pk, project_id)
    return None
