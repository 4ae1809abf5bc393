import pytest

from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, Process
from tenants.services import brains, memberships


class TestBrains:
    def test_a_platform_admin_creates_a_brain_with_its_catalogue(self, root, in_brain):
        brain = brains.brain_create(
            slug="sewing", name_zh="缝制设备产业大脑", name_en="Sewing Equipment Brain", sector="缝制",
            processes=[("CUT", "裁剪", "Cutting"), ("SEW", "缝制", "Sewing")], by=root,
        )
        with in_brain(brain):
            assert list(Process.objects.in_brain(brain).values_list("code", flat=True)) == ["CUT", "SEW"]

    def test_nobody_else_creates_brains(self, alice):
        with pytest.raises(NotAllowed):
            brains.brain_create(slug="x", name_zh="x", name_en="x", sector="x", by=alice)
        assert not Brain.objects.filter(slug="x").exists()

    def test_a_duplicate_slug_is_a_field_error(self, root, mould):
        with pytest.raises(DomainError) as error:
            brains.brain_create(slug="mould", name_zh="x", name_en="x", sector="x", by=root)
        assert error.value.field == "slug"

    def test_a_suspended_brain_takes_no_applications(self, root, mould, charlie, charlie_ent):
        brains.brain_suspend(brain=mould, reason="年度评价未通过", by=root)
        with pytest.raises(NotAllowed) as error:
            memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)
        assert error.value.code == "brain_suspended"
        brains.brain_reactivate(brain=mould, by=root)
        memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)

    def test_suspension_needs_a_reason(self, root, mould):
        with pytest.raises(DomainError):
            brains.brain_suspend(brain=mould, reason="  ", by=root)
        mould.refresh_from_db()
        assert mould.is_active
