"""Webhooks: an enterprise subscribes URLs to event types; every event it may see is delivered, signed, and
retried with exponential backoff until the receiver answers 2xx (for more than 24 hours), then kept for a
replay by hand.

How it flows:
1. A domain event commits (tenants.outbox). `webhooks_fan_out` (Celery, queue `webhooks`) finds the event
   types it feeds, asks each type's audience which subscribed enterprises may see it and what of it, and
   writes one WebhookDelivery per endpoint with its body fixed. A fan-out that runs twice writes nothing new.
2. `webhook_attempt` claims a due delivery with a short lease (so two workers never send one at once),
   POSTs it outside any transaction, and records the attempt and the next try. A worker killed mid-attempt
   leaves a lease that expires: the delivery is tried again, never lost.
3. `webhooks_due` (beat, every 15 s) hands every due delivery to the workers; so a delivery whose task was
   lost (Redis down, a worker killed) still goes out.

Event types are registered by the apps that own the events (`webhook_event_type`); the audience decides
per enterprise, with the same reads the API uses, so a webhook never tells what the API would not show.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.models import (
    Brain, Membership, OutboxEvent, User, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
)

logger = logging.getLogger("industry_brain.webhooks")

SIGNATURE_HEADER = "IB-Signature"
USER_AGENT = "IndustryBrain-Webhooks/1.0"
TIMEOUT_SECONDS = 10  # to connect, and between bytes of the answer
ATTEMPT_SECONDS = 30  # the whole attempt: well inside its lease
LEASE_SECONDS = 120
RESPONSE_KEPT = 2048  # characters of the receiver's answer kept in the log
ALL_TYPES = "*"
PING = "ping"


# --- The catalogue of event types -------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookEventType:
    """`audience(event, candidates)` returns {enterprise_id: data} for the candidate enterprises (those with
    an endpoint subscribed to this type) that may see the event, with what each may see of it."""

    name: str
    description: str
    source: str
    audience: Callable[[OutboxEvent, set[int]], dict[int, dict]]
    when: Callable[[dict], bool] | None = None
    members_only: bool = True  # delivered only while the enterprise is an active member of the brain


EVENT_TYPES: dict[str, WebhookEventType] = {}


def webhook_event_type(name: str, *, description, audience, source: str | None = None, when=None,
                       members_only: bool = True) -> None:
    """Register a type (in an AppConfig.ready). `source` is the outbox event feeding it (default: `name`)."""
    EVENT_TYPES[name] = WebhookEventType(name=name, description=description, source=source or name,
                                         audience=audience, when=when, members_only=members_only)


def event_type_catalogue() -> list[dict]:
    """Every type one may subscribe to, with what it means (in the active language)."""
    types = [{"name": PING, "description": str(gettext_lazy("A test delivery, sent when you ask for one."))}]
    types += [{"name": t.name, "description": str(t.description)} for t in sorted(EVENT_TYPES.values(),
                                                                                    key=lambda t: t.name)]
    return types


def without(payload: dict, *keys: str) -> dict:
    """An event's payload less what a receiver must not see (who acted, ids it cannot read)."""
    return {key: value for key, value in payload.items() if key not in {"by", *keys}}


# --- Signing ------------------------------------------------------------------------------------------


def signature(*, secret: str, timestamp: int, body: str) -> str:
    """The IB-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


# --- Retry schedule -------------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1.5 min, 4.5 min, … tripling, at most 6 hours."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 3 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS))


# --- Endpoints (the enterprise's administrators, or its API keys) ----------------------------------------


def _require_admin(brain: Brain, by: User) -> None:
    if not by.is_enterprise_admin:
        raise NotAllowed(_("Only an administrator of the enterprise may manage its webhooks."))
    if not Membership.objects.in_brain(brain).filter(enterprise_id=by.enterprise_id,
                                                     status=Membership.Status.ACTIVE).exists():
        raise NotAllowed(_("Your enterprise is not an active member of this brain."))


def _private_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class Target:
    """Where one attempt connects: the address the name resolved to, checked, so the request cannot be sent
    to another one resolved a moment later (DNS rebinding)."""

    url: str  # with the checked address in place of the host name
    host: str  # for the Host header and TLS (SNI and the certificate check)


def _resolve(url: str, *, connect: bool = True) -> tuple[Target | None, str | None]:
    """The checked target of `url`, or why there is none. Private, loopback and link-local addresses are
    refused (a webhook must not reach into the platform's own network) unless WEBHOOK_ALLOW_PRIVATE_HOSTS;
    then a name need not resolve yet when it is only being saved (`connect=False`)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port beyond 65535
        port = -1
    if parts.scheme not in ("https", "http") or not parts.hostname or port == -1:
        return None, _("Give an http or https URL.")
    if parts.scheme == "http" and settings.WEBHOOK_REQUIRE_HTTPS:
        return None, _("Webhook URLs must use https.")
    if parts.username or parts.password:
        return None, _("Put no user name or password in the URL; verify the signature instead.")
    if not connect and settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return None, None
    try:
        addresses = [info[4][0] for info in socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError):
        return None, _("The host name “%(host)s” does not resolve.") % {"host": parts.hostname}
    if not settings.WEBHOOK_ALLOW_PRIVATE_HOSTS and any(_private_address(a) for a in addresses):
        return None, _("The host “%(host)s” is on a private network.") % {"host": parts.hostname}
    address = addresses[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{port}" if port else literal
    host = parts.hostname if not port else f"{parts.hostname}:{port}"
    return Target(url=parts._replace(netloc=netloc).geturl(), host=host), None


def url_refusal(url: str) -> str | None:
    """Why a webhook may not be sent to `url`, or None (checked when an endpoint is saved)."""
    return _resolve(url, connect=False)[1]


def _clean_endpoint(url: str, event_types: list[str], description: str,
                    check_url: bool = True) -> tuple[str, list[str], str]:
    url = url.strip()
    if not url:
        raise DomainError(_("Give the URL to deliver to."), code="required", field="url")
    if len(url) > 500:
        raise DomainError(_("At most 500 characters."), code="max_length", field="url")
    refusal = url_refusal(url) if check_url else None
    if refusal:
        raise DomainError(refusal, code="invalid_url", field="url")
    types = sorted(set(event_types))
    if not types:
        raise DomainError(_("Choose at least one event type."), code="required", field="event_types")
    unknown = [t for t in types if t not in EVENT_TYPES and t not in (ALL_TYPES, PING)]
    if unknown:
        raise DomainError(_("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)},
                          code="invalid", field="event_types")
    if len(description) > 200:
        raise DomainError(_("At most 200 characters."), code="max_length", field="description")
    return url, types, description.strip()


@transaction.atomic
def webhook_endpoint_create(*, brain: Brain, by: User, url: str, event_types: list[str],
                            description: str = "") -> WebhookEndpoint:
    """Subscribe a URL of the caller's enterprise to event types of this brain ("*" for all of them)."""
    with brain_context(brain.pk):
        _require_admin(brain, by)
        url, types, description = _clean_endpoint(url, event_types, description)
        return WebhookEndpoint.objects.create(brain=brain, enterprise_id=by.enterprise_id, url=url,
                                              event_types=types, description=description, secret=new_secret(),
                                              created_by=by if by.pk else None)


def _locked_own(endpoint: WebhookEndpoint, by: User) -> WebhookEndpoint:
    _require_admin(endpoint.brain, by)
    if endpoint.enterprise_id != by.enterprise_id:
        raise NotAllowed(_("This endpoint belongs to another enterprise."))
    return WebhookEndpoint.objects.in_brain(endpoint.brain_id).select_for_update().get(pk=endpoint.pk)


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, by: User, **changes) -> WebhookEndpoint:
    """Change the URL, event types, description or whether it is active. Re-activating sends what waited."""
    with brain_context(endpoint.brain_id):
        endpoint = _locked_own(endpoint, by)
        switching_on = changes.get("is_active") is True and not endpoint.is_active
        # The URL is checked when it changes or the endpoint comes back on: switching off an endpoint whose
        # host no longer resolves must still work.
        check_url = switching_on or changes.get("url", endpoint.url) != endpoint.url
        url, types, description = _clean_endpoint(changes.get("url", endpoint.url),
                                                  changes.get("event_types", endpoint.event_types),
                                                  changes.get("description", endpoint.description),
                                                  check_url=check_url)
        was_active = endpoint.is_active
        endpoint.url, endpoint.event_types, endpoint.description = url, types, description
        endpoint.is_active = changes.get("is_active", endpoint.is_active)
        endpoint.save()
        if endpoint.is_active and not was_active:  # what waited while it was off goes out now
            WebhookDelivery.objects.in_brain(endpoint.brain_id).filter(
                endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(next_attempt_at=timezone.now())
            _send_on_commit(endpoint.brain_id, _pending_ids(endpoint))
        return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by: User) -> WebhookEndpoint:
    """A new signing secret, used from the next attempt on (also for deliveries already waiting)."""
    with brain_context(endpoint.brain_id):
        endpoint = _locked_own(endpoint, by)
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret", "updated_at"])
        return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Remove the endpoint with its delivery log."""
    with brain_context(endpoint.brain_id):
        _locked_own(endpoint, by).delete()


@transaction.atomic
def webhook_endpoint_ping(*, endpoint: WebhookEndpoint, by: User) -> WebhookDelivery:
    """Send a `ping` delivery now, to check the receiver and its signature check."""
    with brain_context(endpoint.brain_id):
        endpoint = _locked_own(endpoint, by)
        token = secrets.token_hex(8)
        delivery = WebhookDelivery.objects.create(
            brain_id=endpoint.brain_id, endpoint=endpoint, event_type=PING, webhook_id=f"ping_{token}",
            body=_body(webhook_id=f"ping_{token}", event_type=PING, brain=endpoint.brain, at=timezone.now(),
                       data={"endpoint": endpoint.pk}),
            next_attempt_at=timezone.now())
        _send_on_commit(endpoint.brain_id, [delivery.pk])
        return delivery


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, by: User) -> WebhookDelivery:
    """Send a delivery again now, whatever became of it: the same body and webhook id, signed anew."""
    with brain_context(delivery.brain_id):
        _locked_own(delivery.endpoint, by)
        delivery = WebhookDelivery.objects.in_brain(delivery.brain_id).select_for_update().get(pk=delivery.pk)
        if delivery.status == WebhookDelivery.Status.PENDING and delivery.locked_until and \
                delivery.locked_until > timezone.now():
            raise DomainError(_("This delivery is being sent right now."), code="in_flight")
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.PENDING, timezone.now()
        delivery.replay_requested = True
        delivery.save(update_fields=["status", "next_attempt_at", "replay_requested", "updated_at"])
        _send_on_commit(delivery.brain_id, [delivery.pk])
        return delivery


# --- Fan-out ------------------------------------------------------------------------------------------


def _body(*, webhook_id: str, event_type: str, brain: Brain, at, data: dict) -> str:
    return json.dumps({"id": webhook_id, "type": event_type, "brain": brain.slug, "occurred_at": at.isoformat(),
                       "data": data}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def webhooks_fan_out(*, brain_id: int, event_id: int) -> int:
    """Write the deliveries one outbox event calls for; return how many are new. Safe to run twice."""
    with brain_context(brain_id):
        endpoints = list(WebhookEndpoint.objects.in_brain(brain_id).filter(is_active=True))
        if not endpoints:  # the usual case: most events of most brains go to nobody's webhook
            return 0
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        members = set(Membership.objects.in_brain(brain_id).filter(status=Membership.Status.ACTIVE)
                      .values_list("enterprise_id", flat=True))
        made = []
        for event_type in EVENT_TYPES.values():
            if event_type.source != event.name or (event_type.when and not event_type.when(event.payload)):
                continue
            subscribed = [e for e in endpoints if {event_type.name, ALL_TYPES} & set(e.event_types)
                          and (not event_type.members_only or e.enterprise_id in members)]
            if not subscribed:
                continue
            seen = event_type.audience(event, {e.enterprise_id for e in subscribed})
            webhook_id = f"evt_{event.pk}.{event_type.name}"
            made += [WebhookDelivery(
                brain_id=brain_id, endpoint=endpoint, event=event, event_type=event_type.name, webhook_id=webhook_id,
                body=_body(webhook_id=webhook_id, event_type=event_type.name, brain=event.brain, at=event.occurred_at,
                           data=seen[endpoint.enterprise_id]),
                next_attempt_at=timezone.now(),
            ) for endpoint in subscribed if endpoint.enterprise_id in seen]
        before = WebhookDelivery.objects.in_brain(brain_id).filter(event=event).count()
        WebhookDelivery.objects.bulk_create(made, ignore_conflicts=True)
        pending = list(WebhookDelivery.objects.in_brain(brain_id).filter(
            event=event, status=WebhookDelivery.Status.PENDING, attempts=0).values_list("pk", flat=True))
        _send_on_commit(brain_id, pending)
        return WebhookDelivery.objects.in_brain(brain_id).filter(event=event).count() - before


def _pending_ids(endpoint: WebhookEndpoint) -> list[int]:
    return list(WebhookDelivery.objects.in_brain(endpoint.brain_id).filter(
        endpoint=endpoint, status=WebhookDelivery.Status.PENDING).values_list("pk", flat=True)[:500])


def _send_on_commit(brain_id: int, delivery_ids: list[int]) -> None:
    def send():
        try:
            for delivery_id in delivery_ids:
                current_app.send_task("tenants.tasks.deliver_webhook", args=[brain_id, delivery_id], queue="webhooks",
                              retry=False)
        except Exception as error:  # broker down: beat's webhooks_due sends them once it is back
            logger.warning("webhooks: could not queue deliveries: %s", error)

    if delivery_ids:
        transaction.on_commit(send, robust=True)


# --- Attempts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    response_body: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(*, url: str, secret: str, delivery: WebhookDelivery, number: int) -> Outcome:
    target, refusal = _resolve(url)  # again at send time, and the checked address is the one connected to
    if refusal:
        return Outcome(None, "", refusal, 0)
    headers = {
        "Host": target.host,
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret=secret, timestamp=int(time.time()), body=delivery.body),
        "IB-Webhook-Id": delivery.webhook_id,
        "IB-Event-Type": delivery.event_type,
        "IB-Delivery": str(delivery.pk),
        "IB-Attempt": str(number),
    }
    started = time.monotonic()
    kept = b""
    try:
        # No redirects: a 3xx is an answer, not a reason to send the body somewhere else. The answer is read
        # only so far (RESPONSE_KEPT) and only so long (ATTEMPT_SECONDS): a receiver that drips bytes must not
        # hold the attempt past its lease or fill the worker's memory.
        with httpx.Client(timeout=httpx.Timeout(TIMEOUT_SECONDS), follow_redirects=False) as client:
            request = client.build_request("POST", target.url, content=delivery.body.encode(), headers=headers,
                                           extensions={"sni_hostname": urlsplit(url).hostname})
            response = client.send(request, stream=True)
            try:
                for chunk in response.iter_bytes():
                    kept += chunk
                    if len(kept) >= RESPONSE_KEPT or time.monotonic() - started > ATTEMPT_SECONDS:
                        break
                status_code = response.status_code
            finally:
                response.close()
    except Exception as error:  # any failure to talk to the receiver is an attempt that failed, never a crash
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(None, "", f"{type(error).__name__}: {error}"[:500], elapsed)
    elapsed = int((time.monotonic() - started) * 1000)
    return Outcome(status_code, kept[:RESPONSE_KEPT].decode("utf-8", "replace"), "", elapsed)


def _claim(brain_id: int, delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    with brain_context(brain_id):
        delivery = (WebhookDelivery.objects.in_brain(brain_id).select_for_update(skip_locked=True)
                    .select_related("endpoint")
                    .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, endpoint__is_active=True,
                            next_attempt_at__lte=now)
                    .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now)).first())
        if delivery is None:  # done, not due yet, or another worker is sending it
            return None
        delivery.attempts += 1
        delivery.locked_until = now + timedelta(seconds=LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "locked_until", "updated_at"])
        return delivery


def webhook_attempt(*, brain_id: int, delivery_id: int) -> WebhookAttempt | None:
    """Send one due delivery once and record what came of it; None if it was not ours to send."""
    delivery = _claim(brain_id, delivery_id)
    if delivery is None:
        return None
    number = delivery.attempts
    outcome = _post(url=delivery.endpoint.url, secret=delivery.endpoint.secret, delivery=delivery, number=number)
    return attempt_record(brain_id=brain_id, delivery_id=delivery.pk, number=number, outcome=outcome)


def attempt_record(*, brain_id: int, delivery_id: int, number: int, outcome: Outcome) -> WebhookAttempt:
    """Log attempt `number` and decide the delivery's next step, unless a later attempt has been claimed since
    (this one outlived its lease): then it is logged only."""
    now = timezone.now()
    with brain_context(brain_id):
        delivery = WebhookDelivery.objects.in_brain(brain_id).select_for_update().get(pk=delivery_id)
        if delivery.attempts != number:  # our lease ran out and another attempt was claimed: it decides
            return WebhookAttempt.objects.create(
                brain_id=brain_id, delivery=delivery, number=number, at=now, status_code=outcome.status_code,
                response_body=outcome.response_body, duration_ms=outcome.duration_ms,
                error=(outcome.error or _("Finished after its lease; a later attempt decides."))[:500])
        attempt = WebhookAttempt.objects.create(
            brain_id=brain_id, delivery=delivery, number=number, at=now, manual=delivery.replay_requested,
            status_code=outcome.status_code, response_body=outcome.response_body, error=outcome.error,
            duration_ms=outcome.duration_ms)
        delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
        if not outcome.error and not outcome.succeeded:
            delivery.last_error = _("The receiver answered %(status)s.") % {"status": outcome.status_code}
        delivery.locked_until, delivery.replay_requested = None, False
        if outcome.succeeded:
            delivery.status, delivery.succeeded_at, delivery.next_attempt_at = (
                WebhookDelivery.Status.SUCCEEDED, now, None)
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save()
        return attempt


def webhooks_due(*, limit: int = 500) -> int:
    """Beat: queue every delivery that is due (first tries whose task was lost, and retries)."""
    now = timezone.now()
    with cross_brain(reason="webhook deliveries due"):
        due = list(WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("next_attempt_at").values_list("brain_id", "pk")[:limit])
    queued = 0
    for brain_id, delivery_id in due:
        try:
            current_app.send_task("tenants.tasks.deliver_webhook", args=[brain_id, delivery_id], queue="webhooks",
                                  retry=False)
        except Exception as error:  # broker down: the next beat tries again
            logger.warning("webhooks: could not queue due deliveries: %s", error)
            break
        queued += 1
    return queued
