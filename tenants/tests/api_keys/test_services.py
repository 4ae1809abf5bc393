import pytest
from django.db import connection

from tenants.errors import DomainError, NotAllowed
from tenants.models import ApiKey, RateLimitChange
from tenants.services import api_keys


class TestApiKeys:
    def test_the_secret_is_shown_once_and_stored_hashed(self, alice, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP 金蝶", scope="write", brains=[mould])
        assert issued.secret.startswith(f"ib_{issued.api_key.prefix}_")
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret_hash FROM tenants_apikey")
            (stored,) = cursor.fetchone()
        assert issued.secret not in stored and len(stored) == 64
        assert stored == api_keys.api_key_hash(issued.secret)

    def test_keys_reach_only_brains_the_enterprise_is_an_active_member_of(self, alice, mould, pump):
        with pytest.raises(DomainError) as error:
            api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould, pump])
        assert error.value.field == "brains" and "pump-valve" in error.value.detail
        assert not ApiKey.objects.exists()

    def test_members_of_the_enterprise_who_are_not_admins_cannot_make_keys(self, bob, mould):
        with pytest.raises(NotAllowed):
            api_keys.api_key_create(by=bob, name="ERP", scope="read", brains=[mould])

    def test_only_the_keys_enterprise_revokes_it(self, alice, charlie, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        with pytest.raises(NotAllowed):
            api_keys.api_key_revoke(api_key=issued.api_key, by=charlie)
        assert api_keys.api_key_revoke(api_key=issued.api_key, by=alice).revoked_at is not None


class TestApiKeyRateLimit:
    @pytest.fixture
    def erp(self, alice, mould):
        return api_keys.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould]).api_key

    def test_a_platform_admin_sets_it_and_the_change_is_audited(self, erp, root, caplog,
                                                                django_capture_on_commit_callbacks):
        with caplog.at_level("INFO", logger="industry_brain.audit"), \
                django_capture_on_commit_callbacks(execute=True):
            changed = api_keys.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=1200, by=root)
        assert changed.rate_limit_per_minute == 1200
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 1200
        [change] = RateLimitChange.objects.all()
        assert (change.api_key_id, change.old_limit, change.new_limit, change.changed_by) == (erp.pk, 600, 1200, root)
        [line] = [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()]
        assert "600 -> 1200" in line and f"user={root.pk}" in line and erp.prefix in line

    def test_the_same_limit_again_changes_and_records_nothing(self, erp, root):
        api_keys.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=600, by=root)
        assert not RateLimitChange.objects.exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "charlie", "olga"])
    def test_nobody_else_may_set_it_not_even_for_their_own_key(self, erp, who, request):
        user = request.getfixturevalue(who)
        with pytest.raises(NotAllowed) as error:
            api_keys.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=100_000, by=user)
        assert error.value.status == 403
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 600 and not RateLimitChange.objects.exists()

    @pytest.mark.parametrize("value", [0, -1, 100_001, 10**12, 2.5, "60", None, True])
    def test_a_value_out_of_range_or_not_a_whole_number_is_refused_and_changes_nothing(self, erp, root, value):
        with pytest.raises(DomainError) as error:
            api_keys.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=value, by=root)
        assert (error.value.code, error.value.field) == ("invalid", "rate_limit_per_minute")
        assert "1" in error.value.detail and "100000" in error.value.detail
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 600 and not RateLimitChange.objects.exists()

    @pytest.mark.parametrize("value", [1, 100_000])
    def test_the_bounds_themselves_are_allowed(self, erp, root, value):
        assert api_keys.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=value,
                                               by=root).rate_limit_per_minute == value

    def test_a_revoked_key_cannot_be_changed(self, erp, alice, root):
        api_keys.api_key_revoke(api_key=erp, by=alice)
        with pytest.raises(DomainError) as error:
            api_keys.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=5, by=root)
        assert error.value.code == "invalid_state"
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 600
