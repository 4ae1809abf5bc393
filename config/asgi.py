"""ASGI entry point: HTTP through Django, WebSocket (live pages) through Channels."""

import os

from django.core.asgi import get_asgi_application


def _application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django_asgi_app = get_asgi_application()
    # Imported only now, as Django requires: Channels' auth and the consumers load models, which needs the app
    # registry that get_asgi_application() has just set up.
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.urls import path

    from tenants.consumers import LiveConsumer

    websocket_urls = [path("ws/b/<slug:brain_slug>/live/", LiveConsumer.as_asgi())]
    return ProtocolTypeRouter({
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urls))),
    })


application = _application()
