"""Remote mould trials over the API: the project's buyer only."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from capacity.api.filters.trials import MouldTrialFilter
from capacity.api.serializers.trials import (
    MouldTrialCancelSerializer, MouldTrialRecordSerializer, MouldTrialScheduleSerializer,
    MouldTrialSerializer, TrialModificationInputSerializer, TrialModificationSerializer,
)
from capacity.models import MouldTrial
from capacity.selectors.projects import part_of
from capacity.selectors.trials import mould_trial_list
from capacity.services import trials
from capacity.uploads import paired_kinds, uploads_from
from tenants.api.base import BrainScopedViewSet


@extend_schema_view(
    list=extend_schema(description="Trials of your projects, newest first per project."),
    retrieve=extend_schema(description="A trial with its files (download each from the attachments endpoint) "
                                       "and the modifications it called for."),
)
class MouldTrialViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Remote mould trials (T1, T2, …) of your projects. The project's buyer only: to anyone else they do not
    exist (404)."""

    queryset = MouldTrial.objects.all()
    selector = mould_trial_list
    serializer_class = MouldTrialSerializer
    filterset_class = MouldTrialFilter

    @extend_schema(request=MouldTrialScheduleSerializer, responses={201: MouldTrialSerializer},
                   operation_id="v1_brains_mould_trials_schedule")
    def create(self, request, brain_slug=None):
        """Schedule the project's next trial (numbered T1, T2, … per project)."""
        data = dict(self.valid(MouldTrialScheduleSerializer))
        trial = trials.trial_schedule(project=data.pop("project"), by=request.user, **data)
        return self.fresh(trial, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": MouldTrialRecordSerializer,
                            "application/json": MouldTrialRecordSerializer},
                   responses=MouldTrialSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def record(self, request, brain_slug=None, pk=None):
        """Record a scheduled trial's result: shots, conclusion (pass, or modify: then defects are required),
        summary, and files (photos, videos, inspection reports; `kinds` in the same order, or told from the
        content). Only once; a cancelled trial has no result."""
        trial = self.get_object()
        data = self.valid(MouldTrialRecordSerializer)
        uploads = uploads_from(paired_kinds(list(data["files"]), list(data["kinds"]), field="kinds"))
        trial = trials.trial_record(trial=trial, by=request.user, shots=data["shots"], conclusion=data["conclusion"],
                                    defects=data["defects"], summary=data["summary"], files=uploads)
        return self.fresh(trial)

    @extend_schema(request=MouldTrialCancelSerializer, responses=MouldTrialSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, brain_slug=None, pk=None):
        """Call off a scheduled trial (its number stays taken); the reason is kept as its summary."""
        trial = trials.trial_cancel(trial=self.get_object(), by=request.user,
                                    **self.valid(MouldTrialCancelSerializer))
        return self.fresh(trial)

    @extend_schema(request=TrialModificationInputSerializer,
                   responses={201: TrialModificationSerializer})
    @action(detail=True, methods=["post"])
    def modifications(self, request, brain_slug=None, pk=None):
        """After a "modify" conclusion: add a new part to the project (new_part), or one more operation to an
        existing part's routing (part, process). It shows on the project board as not yet awarded and can
        be tendered in a new RFQ."""
        trial = self.get_object()
        data = self.valid(TrialModificationInputSerializer)
        part = part_of(trial.project, data["part"]) if data.get("part") is not None else None
        new_part = dict(data["new_part"]) if data.get("new_part") is not None else None
        modification = trials.trial_modification_add(trial=trial, by=request.user, description=data["description"],
                                                     new_part=new_part, part=part, process=data["process"])
        trial = self.visible().get(pk=trial.pk)
        made = next(m for m in trial.modifications.all() if m.pk == modification.pk)
        return Response(TrialModificationSerializer(made).data, status=status.HTTP_201_CREATED)
