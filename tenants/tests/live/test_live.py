"""Live pushes over a real WebSocket, through a real Celery worker and channels-redis."""

import pytest
import websockets

from tenants.services import memberships
from tests.support import follow


@pytest.mark.django_db(transaction=True)
def test_an_operator_sees_a_new_application_arrive_live(live_server_url, celery_worker, mould, olga, charlie,
                                                        charlie_ent):
    def apply():
        memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)

    hello, [message] = follow(live_server_url, olga, then=apply, until=lambda message: True)
    assert hello == {"type": "hello", "brain": "mould"}
    assert message["type"] == "notification" and message["kind"] == "membership.applied"


@pytest.mark.django_db(transaction=True)
def test_a_socket_for_a_brain_the_user_cannot_enter_is_refused(live_server_url, pump, alice):
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        follow(live_server_url, alice, brain=pump)
    assert refused.value.response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_socket_is_refused(live_server_url, mould):
    with pytest.raises(websockets.exceptions.InvalidStatus):
        follow(live_server_url, None)
