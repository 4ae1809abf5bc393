"""Government-data sync for the brain's operators: sources, their runs, the quarantine. Anyone else (members,
enterprises' API keys) finds nothing here: 404. Thin: reads through brain.selectors.sync, writes through
brain.services.sync."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from brain.api.serializers.sync import (
    DataSourceChangeSerializer, DataSourceInputSerializer, DataSourceSerializer, QuarantinedRecordSerializer,
    QuarantineRetrySerializer, SyncRunSerializer,
)
from brain.models import DataSource, QuarantinedRecord, SyncRun
from brain.selectors.sync import data_source_list, quarantined_record_list, sync_run_list
from brain.services import sync
from tenants.api.base import BrainScopedViewSet


class DataSourceViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Where the brain's public government data comes from: a department's paged HTTP JSON API (with a token)
    or files dropped into a folder; the field mapping, the attributes it is authoritative for, the schedule
    and the watermark. `run` queues a run now."""

    queryset = DataSource.objects.all()
    operators_only = True
    serializer_class = DataSourceSerializer
    filterset_fields = ["kind", "department", "record_type", "enabled"]
    selector = data_source_list

    def fresh(self, source, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.visible().get(pk=source.pk)).data, status=status_code)

    @extend_schema(request=DataSourceInputSerializer, responses={201: DataSourceSerializer})
    def create(self, request, brain_slug=None):
        """A new source; with a schedule it is due at once."""
        made = sync.data_source_create(brain=request.brain, by=request.user,
                                       **self.valid(DataSourceInputSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=DataSourceChangeSerializer, responses=DataSourceSerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """Change any of its settings, switch it off and on, or reset its watermark to read everything again."""
        changed = sync.data_source_update(source=self.get_object(), by=request.user,
                                          **self.valid(DataSourceChangeSerializer))
        return self.fresh(changed)

    @extend_schema(responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Remove the source with its runs and quarantine (the public records it brought stay)."""
        sync.data_source_delete(source=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: SyncRunSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, brain_slug=None, pk=None):
        """Queue a run now (a run already queued is the one answered: asking twice runs once)."""
        queued = sync.sync_run_request(source=self.get_object(), by=request.user)
        return Response(SyncRunSerializer(queued).data, status=status.HTTP_202_ACCEPTED)


class SyncRunViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Runs of the brain's sources, newest first, with their reconciled counts: rows read = inserted + updated +
    unchanged + deleted + rejected; faults of the source that were retried, and the error of a failed run."""

    queryset = SyncRun.objects.all()
    operators_only = True
    serializer_class = SyncRunSerializer
    filterset_fields = ["source", "status", "trigger"]
    selector = sync_run_list


class QuarantinedRecordViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Rows a source sent that could not be taken (a malformed credit code, a wrong check character, no as-of
    date…), with the reason and the row as sent. Re-try (with a corrected credit code) or dismiss them."""

    queryset = QuarantinedRecord.objects.all()
    operators_only = True
    serializer_class = QuarantinedRecordSerializer
    filterset_fields = ["source", "status", "reason_code"]

    @staticmethod
    def selector(*, brain, viewer):
        return quarantined_record_list(brain=brain, viewer=viewer, status=None)

    @extend_schema(request=QuarantineRetrySerializer, responses=QuarantinedRecordSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, brain_slug=None, pk=None):
        """Take the row again with the source's current mapping (and the corrected credit code, if given)."""
        code = self.valid(QuarantineRetrySerializer).get("credit_code") or None
        done = sync.quarantined_record_retry(record=self.get_object(), by=request.user, credit_code=code)
        return Response(self.get_serializer(done).data)

    @extend_schema(request=None, responses=QuarantinedRecordSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, brain_slug=None, pk=None):
        """Leave the row out for good."""
        done = sync.quarantined_record_dismiss(record=self.get_object(), by=request.user)
        return Response(self.get_serializer(done).data)
