"""Files of progress reports and mould trials over the API."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from capacity.models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a progress report or of a mould trial; `download` is where its bytes are."""

    download = serializers.SerializerMethodField(help_text=_("The download URL (add ?inline=1 to show a photo "
                                                             "or video in the browser)."))

    class Meta:
        model = Attachment
        fields = ["id", "report", "trial", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at",
                  "download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        brain = self.context.get("brain")
        return reverse("attachment-download", kwargs={"brain_slug": brain.slug if brain else attachment.brain.slug,
                                                      "pk": attachment.pk})
