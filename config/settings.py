"""Settings for every environment; differences come from environment variables only."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is 0")
    SECRET_KEY = "dev-only-insecure-key"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "tenants",
    "ledger",
    "brain",
    "capacity",
    "supplychain",
    "finance",
    "dataproducts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Outside the request's transaction, so that refused and failed API-key calls are audited too.
    "tenants.middleware.ApiAuditMiddleware",
    # Last: everything after it (the view) runs in one transaction with the brain set.
    "tenants.middleware.BrainMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tenants.context_processors.brain",
            ],
        },
    },
]

# --- Database: PostgreSQL only ---------------------------------------------------------------
# `make run` / `make test` set DATABASE_URL to the embedded server when none is given.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://industry_brain@localhost/industry_brain"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}
if os.environ.get("DJANGO_TEST_DATABASE"):  # for two test runs side by side on one server
    DATABASES["default"]["TEST"]["NAME"] = os.environ["DJANGO_TEST_DATABASE"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": "ib"}}

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = ["tenants.auth.UsernameOrMobileBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the app itself (ASGI included), straight from the apps' folders,
# so neither development nor tests need collectstatic; production may still collect them for a proxy.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads live outside the web root and are served only through authorised views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
# Government data (brain.sync): file-drop sources read only folders under this one; HTTP pages that fail are
# retried after 1 s, 2 s, 4 s, … (GOV_SYNC_RETRY_BASE_SECONDS).
GOV_DATA_DROP_DIR = Path(os.environ.get("GOV_DATA_DROP_DIR", BASE_DIR / ".data" / "gov-drop"))
GOV_SYNC_RETRY_BASE_SECONDS = float(os.environ.get("GOV_SYNC_RETRY_BASE_SECONDS", "1"))

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tenants.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "tenants.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["tenants.api.throttling.ApiKeyRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Industry Brain API",
    "DESCRIPTION": "产业大脑 REST API. Brain-scoped endpoints live under /api/v1/brains/{brain_slug}/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Parameters' enums named after operation and parameter, not a translated label (tenants/api/schema_hooks.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "tenants.api.schema_hooks.untitled_parameters"],
    # One name for a choice set used under several field names (attachments' kind, the kinds of uploads).
    "ENUM_NAME_OVERRIDES": {"GroupBuyKindEnum": "supplychain.models.GroupBuy.Kind",
                            "JournalEntryKindEnum": "supplychain.models.EntryKind",
                            "PaymentKindEnum": "supplychain.models.PAYMENT_KINDS",
                            "AttachmentKindEnum": "capacity.models.Attachment.Kind",
                            "WorkOrderStatusEnum": "capacity.models.WorkOrder.Status",
                            "ProgressStatusEnum": "capacity.models.ProgressReport.Status",
                            "ChangeRequestStatusEnum": "capacity.models.ChangeRequest.Status",
                            "ChangeRequestSideEnum": "capacity.models.ChangeRequest.Side",
                            "BoardRiskEnum": "capacity.selectors.board.Risk",
                            "ReserveStatusEnum": "supplychain.models.Reserve.Status",
                            "ReplenishmentStatusEnum": "supplychain.models.Replenishment.Status",
                            "DataSourceKindEnum": "brain.models.DataSource.Kind",
                            "SyncRunStatusEnum": "brain.models.SyncRun.Status",
                            "QuarantinedRecordStatusEnum": "brain.models.QuarantinedRecord.Status",
                            "SourceEnum": "capacity.models.Invitation.Source",
                            "PayableSourceEnum": "finance.models.Payable.Source",
                            "PayableStatusEnum": "finance.models.Payable.Status",
                            "CertificateStatusEnum": "finance.models.Certificate.Status",
                            "NettingStatusEnum": "finance.models.Netting.Status",
                            "NettingVoidedBecauseEnum": "finance.models.Netting.Voided",
                            "NettingDecisionEnum": "finance.models.NettingParty.Decision",
                            "CertificateTransferOutcomeEnum": "finance.models.CertificateTransfer.Outcome",
                            "IpLoanStatusEnum": "finance.models.IpLoanApplication.Status",
                            "RepaymentMethodEnum": "finance.models.IpLoanApplication.Method",
                            "ComponentKindEnum": "dataproducts.models.Component.Kind",
                            "ComponentListingStatusEnum": "dataproducts.models.ComponentListing.Status",
                            "ApiKeyScopeEnum": "tenants.models.ApiKey.Scope",
                            "DataProductStatusEnum": "dataproducts.models.DataProduct.Status",
                            "RevisionStatusEnum": "dataproducts.models.Revision.Status",
                            "AccessRequestStatusEnum": "dataproducts.models.AccessRequest.Status"},
}

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Government-data work has its own queue (and workers), wherever a task is sent from.
CELERY_TASK_ROUTES = {"brain.tasks.queue_due_syncs": {"queue": "sync"},
                      "brain.tasks.run_requested_sync": {"queue": "sync"},
                      "brain.tasks.recompute_tags_after_sync": {"queue": "sync"},
                      # matching a policy against every member takes seconds per thousand: off the default queue
                      "brain.tasks.match_policy": {"queue": "matching"}}

CELERY_TIMEZONE = TIME_ZONE
# A broker that is down must not hang a request: publishing fails fast and the outbox keeps the event.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    "drain-outbox": {"task": "tenants.tasks.drain_outbox", "schedule": 10.0},
    "send-due-webhooks": {"task": "tenants.tasks.send_due_webhooks", "schedule": 15.0},
    "purge-idempotency-keys": {"task": "tenants.tasks.purge_idempotency_keys", "schedule": 3600.0},
    "close-due-rfqs": {"task": "capacity.tasks.close_due_rfqs", "schedule": 60.0},
    "decide-due-group-buys": {"task": "supplychain.tasks.decide_due_group_buys", "schedule": 60.0},
    # Government data: every minute, queue the sources whose interval is up (each run on queue `sync`).
    "queue-due-syncs": {"task": "brain.tasks.queue_due_syncs", "schedule": 60.0},
    # The project board: stale-progress reminders at 09:00 and 14:00 (once per work order and day), the
    # buyers' digest at 08:00 (once per project and day), Asia/Shanghai.
    "progress-reminders": {"task": "capacity.tasks.send_progress_reminders",
                           "schedule": crontab(hour="9,14", minute=0)},
    "board-digests": {"task": "capacity.tasks.send_board_digests", "schedule": crontab(hour=8, minute=0)},
    # Finance: certificate offers past their expiry return to their senders.
    "expire-certificate-transfers": {"task": "finance.tasks.expire_certificate_transfers", "schedule": 60.0},
    # Netting: proposals not confirmed by every party in time are void.
    "expire-nettings": {"task": "finance.tasks.expire_nettings", "schedule": 60.0},
    # Dynamic discounting: each programme clears once at its daily cut-off (a run per cut-off, a unique constraint).
    "clear-discount-programmes": {"task": "finance.tasks.clear_discount_programmes", "schedule": 60.0},
    # Bank financing: requests and quotes past their expiry expire.
    "expire-financing": {"task": "finance.tasks.expire_financing", "schedule": 60.0},
    # Claims due in 7, 3, 1 and 0 days: payment.due to the debtor and the payee, once each, at 08:00 Beijing time.
    "maturity-reminders": {"task": "finance.tasks.send_maturity_reminders", "schedule": crontab(hour=8, minute=0)},
    # IP-pledge loans: instalments due in 7, 3 and 1 days are reminded, once each, at 08:30 Beijing time.
    "ip-loan-reminders": {"task": "finance.tasks.send_ip_loan_reminders", "schedule": crontab(hour=8, minute=30)},
    # Data products: subscription periods charged hourly once they start; last month's usage statements on the 1st at
    # 02:00 Beijing time (after the periods that started at midnight were charged).
    "charge-subscription-periods": {"task": "dataproducts.tasks.charge_subscription_periods", "schedule": crontab(minute=5)},
    "issue-usage-statements": {"task": "dataproducts.tasks.issue_usage_statements",
                               "schedule": crontab(day_of_month=1, hour=2, minute=0)},
    # Data products: subscriptions that ran out get their audit step and event (access stopped at their end already).
    "expire-data-product-subscriptions": {"task": "dataproducts.tasks.expire_subscriptions", "schedule": 60.0},
    # Data products: each listed product's last complete month or week, built and published once per data.
    "refresh-data-products": {"task": "dataproducts.tasks.refresh_data_products",
                              "schedule": crontab(hour=3, minute=30)},
}

# --- Webhooks (tenants.webhooks) ---------------------------------------------------------------
# 11 attempts, the waits tripling from 30 s to at most 6 h: the last one comes 27 hours after the first.
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "11"))
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_RETRY_MAX_DELAY_SECONDS = 6 * 3600
# Receivers on private networks (an ERP in the same LAN) only when the operator says so; never by default
# in production, where a webhook must not be a way into the platform's own network.
WEBHOOK_ALLOW_PRIVATE_HOSTS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_HOSTS", "1" if DEBUG else "0") == "1"
WEBHOOK_REQUIRE_HTTPS = os.environ.get("WEBHOOK_REQUIRE_HTTPS", "0" if DEBUG else "1") == "1"

# --- Channels ----------------------------------------------------------------------------------
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py 8's defaults bite channels-redis (bench/board_fanout.py found both): reads time out after 5 s,
        # while channels-redis blocks 5 s in BRPOP waiting for a message, so an idle live page's consumer died
        # with "Timeout reading"; and a pool holds at most 100 connections and refuses the 101st at once, so
        # 500 pages closing together left 400 dead sockets in their groups (group_discard failed).
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 1000}]},
    }
}

MAILERS = {
    "default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@industry-brain.local")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "industry_brain.audit": {"handlers": ["console"], "level": "INFO"},
        "industry_brain": {"handlers": ["console"], "level": "WARNING"},
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
