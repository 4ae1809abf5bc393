"""A report's or a trial's files over the API."""


from django.utils import timezone

from capacity.models import Attachment, MouldTrial
from conftest import api_as
from tests.support import ids, url


class TestAttachments:
    def test_trial_files_are_for_the_projects_buyer_only(self, accepted, alice, shop_a, project, in_brain):
        with in_brain(project.brain):
            trial = MouldTrial.objects.create(brain=project.brain, project=project, number=1,
                                              scheduled_at=timezone.now(), location="黄岩试模中心", scheduled_by=alice)
            attachment = Attachment.objects.create(
                brain=project.brain, trial=trial, kind="video", file="attachments/t1.mp4", original_name="T1.mp4",
                content_type="video/mp4", size=10, sha256="0" * 64, uploaded_by=alice)
        assert ids(api_as(alice).get(url("attachment-list", trial=trial.pk))) == [attachment.pk]
        assert api_as(alice).get(url("attachment-detail", pk=attachment.pk)).json()["trial"] == trial.pk
        assert api_as(shop_a).get(url("attachment-detail", pk=attachment.pk)).status_code == 404
        assert ids(api_as(shop_a).get(url("attachment-list"))) == []
