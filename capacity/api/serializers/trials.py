"""Remote mould trials over the API: their files, results and modifications."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from capacity.api.serializers.projects import OperationSerializer, OwnProjectField
from capacity.models import Attachment, MouldTrial, Part, TrialModification


class TrialFileSerializer(serializers.ModelSerializer):
    """A photo, video or inspection report of a trial; download it from the attachments endpoint."""

    download = serializers.SerializerMethodField(help_text=_("Where to download the file (the attachments "
                                                             "endpoint, with this id)."))

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        brain = self.context.get("brain")
        slug = brain.slug if brain is not None else attachment.brain.slug
        try:
            return reverse("attachment-download", kwargs={"brain_slug": slug, "pk": attachment.pk})
        except NoReverseMatch:
            return f"/api/v1/brains/{slug}/attachments/{attachment.pk}/download/"


class TrialPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "part_no", "name", "quantity"]
        read_only_fields = fields


class TrialModificationSerializer(serializers.ModelSerializer):
    part = TrialPartSerializer(read_only=True)
    operation = OperationSerializer(read_only=True, allow_null=True,
                                    help_text=_("The operation added to the part's routing; null when the "
                                                "modification is a new part."))

    class Meta:
        model = TrialModification
        fields = ["id", "description", "new_part", "part", "operation", "created_at"]
        read_only_fields = fields


class MouldTrialSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text=_("T1, T2, … within the project."))
    project_code = serializers.CharField(source="project.code", read_only=True)
    files = TrialFileSerializer(many=True, read_only=True)
    modifications = TrialModificationSerializer(many=True, read_only=True)

    class Meta:
        model = MouldTrial
        fields = ["id", "project", "project_code", "number", "label", "status", "scheduled_at", "location", "press",
                  "meeting_url", "shots", "defects", "conclusion", "summary", "scheduled_by", "created_at",
                  "recorded_by", "recorded_at", "files", "modifications"]
        read_only_fields = fields

    def get_label(self, trial) -> str:
        return f"T{trial.number}"


class MouldTrialScheduleSerializer(serializers.Serializer):
    project = OwnProjectField(help_text=_("One of your projects."))
    scheduled_at = serializers.DateTimeField(help_text=_("ISO 8601; today or later."))
    location = serializers.CharField(max_length=200)
    press = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    meeting_url = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                        help_text=_("A video meeting link (https://…) for those following remotely."))


class MouldTrialRecordSerializer(serializers.Serializer):
    """JSON, or multipart/form-data with the files."""

    shots = serializers.IntegerField(min_value=0, max_value=1_000_000)
    conclusion = serializers.ChoiceField(choices=MouldTrial.Conclusion.choices)
    defects = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                    help_text=_("Required when the conclusion is modify."))
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=10,
                                  help_text=_("Photos (JPEG, PNG, HEIC), videos (MP4, MOV), inspection reports "
                                              "(PDF, XLSX); checked by content."))
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=Attachment.Kind.choices), required=False,
                                  default=list, help_text=_("The kind of each file, in the order of files; a "
                                                            "missing one is told from the file's content."))


class MouldTrialCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TrialNewPartSerializer(serializers.Serializer):
    part_no = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    material = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    processes = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list,
                                      help_text=_("The routing as process codes (or Chinese names), in order."))
    parent_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                      help_text=_("Part number of the parent assembly; blank for a top part."))


class TrialModificationInputSerializer(serializers.Serializer):
    """Either new_part, or part and process (one more operation appended to that part's routing)."""

    description = serializers.CharField(max_length=500)
    new_part = TrialNewPartSerializer(required=False, help_text=_("A new part of the project."))
    part = serializers.IntegerField(required=False, help_text=_("An existing part of the trial's project."))
    process = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                    help_text=_("With part: the process (code or Chinese name) of the new "
                                                "operation."))
