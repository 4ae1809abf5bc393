"""Django admin for the global tables. Tenant-owned rows are managed in the brain pages and API, where
the brain is entered; the admin has no brain and RLS would (rightly) show it nothing."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tenants.models import ApiKey, Brain, Enterprise, User


class NoDelete:
    """Deleting cascades into tenant rows that RLS hides from a brainless admin request: not here."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(NoDelete, BaseUserAdmin):
    list_display = ["username", "full_name", "mobile", "enterprise", "enterprise_role", "is_platform_admin", "is_active"]
    list_filter = ["is_platform_admin", "enterprise_role", "is_active"]
    search_fields = ["username", "full_name", "mobile", "enterprise__legal_name"]
    autocomplete_fields = ["enterprise"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Industry Brain"), {"fields": ["full_name", "mobile", "enterprise", "enterprise_role", "is_platform_admin"]}),
    ]


@admin.register(Enterprise)
class EnterpriseAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["legal_name", "credit_code", "region_code", "verified", "created_at"]
    list_filter = ["verified", "region_code"]
    search_fields = ["legal_name", "short_name", "credit_code"]


@admin.register(Brain)
class BrainAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["slug", "name_zh", "name_en", "sector", "status"]
    readonly_fields = ["status", "suspended_reason"]  # suspend and reactivate from the console


@admin.register(ApiKey)
class ApiKeyAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["name", "prefix", "enterprise", "scope", "rate_limit_per_minute", "created_at", "last_used_at",
                    "revoked_at"]
    # The rate limit is set in the console, where the change is audited.
    readonly_fields = ["prefix", "secret_hash", "brain_ids", "created_by", "created_at", "last_used_at",
                       "rate_limit_per_minute"]
