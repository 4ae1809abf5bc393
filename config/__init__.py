# Import the Celery app with Django, or .delay() silently falls back to an AMQP broker on localhost.
from config.celery import app as celery_app

__all__ = ["celery_app"]
