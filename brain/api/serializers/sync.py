"""Government-data sync over the API: sources, runs, quarantined rows."""

from rest_framework import serializers

from brain.models import DataSource, Department, QuarantinedRecord, RecordType, SyncRun


class DataSourceSerializer(serializers.ModelSerializer):
    has_token = serializers.SerializerMethodField(help_text="Whether an access token is set (it is never shown).")

    class Meta:
        model = DataSource
        fields = ["id", "name", "kind", "department", "record_type", "url", "has_token", "folder", "options",
                  "mapping", "authoritative_for", "priority", "interval_minutes", "lookback_minutes", "enabled",
                  "watermark", "next_run_at", "created_at"]
        read_only_fields = fields

    def get_has_token(self, source) -> bool:
        return bool(source.token)


class DataSourceInputSerializer(serializers.Serializer):
    """What an operator sets. `mapping` and `options` are described in docs/government-data.md."""

    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=DataSource.Kind.choices)
    department = serializers.ChoiceField(choices=Department.choices)
    record_type = serializers.ChoiceField(choices=RecordType.choices)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    token = serializers.CharField(max_length=500, required=False, allow_blank=True, write_only=True,
                                  help_text="Sent as `Authorization: Bearer <token>`; write-only.")
    folder = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                   help_text="For file drops: a folder under the platform's drop folder.")
    options = serializers.DictField(required=False, help_text="HTTP paging: page_size, list_path, total_path, …")
    mapping = serializers.DictField(help_text='{"credit_code": "tyshxydm", "as_of": "gxsj", "attributes": {…}}')
    authoritative_for = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                              max_length=100)
    priority = serializers.IntegerField(min_value=1, max_value=100, required=False)
    interval_minutes = serializers.IntegerField(min_value=0, max_value=527_040, required=False)
    lookback_minutes = serializers.IntegerField(min_value=0, max_value=43_200, required=False)
    enabled = serializers.BooleanField(required=False)


class DataSourceChangeSerializer(DataSourceInputSerializer):
    reset_watermark = serializers.BooleanField(required=False, help_text="Read everything again on the next run.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class SyncRunSerializer(serializers.ModelSerializer):
    reconciled = serializers.BooleanField(read_only=True, help_text="rows_read = inserted + updated + unchanged "
                                                                    "+ deleted + rejected.")
    faults = serializers.ListField(child=serializers.DictField(), read_only=True,
                                   help_text="Faults of the source that were retried: page, attempt, error.")

    class Meta:
        model = SyncRun
        fields = ["id", "source", "trigger", "status", "queued_at", "started_at", "finished_at", "watermark_from",
                  "since", "watermark_to", "batches", "rows_read", "inserted", "updated", "unchanged", "deleted",
                  "rejected", "reconciled", "faults", "error"]
        read_only_fields = fields


class QuarantinedRecordSerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(read_only=True, help_text="The row as the department sent it.")

    class Meta:
        model = QuarantinedRecord
        fields = ["id", "source", "run", "reason_code", "reason", "position", "credit_code", "payload", "status",
                  "times_seen", "first_seen_at", "last_seen_at", "resolved_at", "last_error"]
        read_only_fields = fields


class QuarantineRetrySerializer(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                        help_text="The corrected unified social credit code, if that was the fault.")
