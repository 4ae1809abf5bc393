"""Government-data sync for the brain's operators: sources, their runs, the quarantine. Anyone else (members,
enterprises' API keys) finds nothing here: 404. Thin: reads through brain.selectors, writes through
brain.services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from brain import eligibility, policy_selectors, policy_services, selectors, services
from brain.api import serializers
from brain.models import DataSource, Policy, PolicyMatch, QuarantinedRecord, SyncRun
from tenants.api.base import BrainScopedViewSet
from tenants.models import Membership


class OperatorViewSet(BrainScopedViewSet):
    selector = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.access.is_operator:
            raise exceptions.NotFound()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return type(self).selector(brain=self.request.brain)


class DataSourceViewSet(OperatorViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Where the brain's public government data comes from: a department's paged HTTP JSON API (with a token)
    or files dropped into a folder; the field mapping, the attributes it is authoritative for, the schedule
    and the watermark. `run` queues a run now."""

    queryset = DataSource.objects.all()
    serializer_class = serializers.DataSourceSerializer
    filterset_fields = ["kind", "department", "record_type", "enabled"]
    selector = selectors.data_source_list

    def fresh(self, source, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=source.pk)).data, status=status_code)

    @extend_schema(request=serializers.DataSourceInputSerializer, responses={201: serializers.DataSourceSerializer})
    def create(self, request, brain_slug=None):
        """A new source; with a schedule it is due at once."""
        made = services.data_source_create(brain=request.brain, by=request.user,
                                           **self.valid(serializers.DataSourceInputSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.DataSourceChangeSerializer, responses=serializers.DataSourceSerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """Change any of its settings, switch it off and on, or reset its watermark to read everything again."""
        changed = services.data_source_update(source=self.get_object(), by=request.user,
                                              **self.valid(serializers.DataSourceChangeSerializer))
        return self.fresh(changed)

    @extend_schema(responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Remove the source with its runs and quarantine (the public records it brought stay)."""
        services.data_source_delete(source=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: serializers.SyncRunSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, brain_slug=None, pk=None):
        """Queue a run now (a run already queued is the one answered: asking twice runs once)."""
        queued = services.sync_run_request(source=self.get_object(), by=request.user)
        return Response(serializers.SyncRunSerializer(queued).data, status=status.HTTP_202_ACCEPTED)


class SyncRunViewSet(OperatorViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Runs of the brain's sources, newest first, with their reconciled counts: rows read = inserted + updated +
    unchanged + deleted + rejected; faults of the source that were retried, and the error of a failed run."""

    queryset = SyncRun.objects.all()
    serializer_class = serializers.SyncRunSerializer
    filterset_fields = ["source", "status", "trigger"]
    selector = selectors.sync_run_list


class QuarantinedRecordViewSet(OperatorViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Rows a source sent that could not be taken (a malformed credit code, a wrong check character, no as-of
    date…), with the reason and the row as sent. Re-try (with a corrected credit code) or dismiss them."""

    queryset = QuarantinedRecord.objects.all()
    serializer_class = serializers.QuarantinedRecordSerializer
    filterset_fields = ["source", "status", "reason_code"]

    @staticmethod
    def selector(*, brain):
        return selectors.quarantined_record_list(brain=brain, status=None)

    @extend_schema(request=serializers.QuarantineRetrySerializer, responses=serializers.QuarantinedRecordSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, brain_slug=None, pk=None):
        """Take the row again with the source's current mapping (and the corrected credit code, if given)."""
        code = self.valid(serializers.QuarantineRetrySerializer).get("credit_code") or None
        done = services.quarantined_record_retry(record=self.get_object(), by=request.user, credit_code=code)
        return Response(self.get_serializer(done).data)

    @extend_schema(request=None, responses=serializers.QuarantinedRecordSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, brain_slug=None, pk=None):
        """Leave the row out for good."""
        done = services.quarantined_record_dismiss(record=self.get_object(), by=request.user)
        return Response(self.get_serializer(done).data)


class EnterpriseFileViewSet(BrainScopedViewSet):
    """The enterprise file (一企一档) of the brain's enterprises, by enterprise id: registry facts with the source
    and as-of date of each, tax credit rating, patents, what the platform knows of it in this brain, and its tags
    with why. The enterprise itself and the brain's operators read all of it; other active members the public
    part (`full` false); anyone else finds nothing (404). The list holds the enterprises the reader may open."""

    queryset = Membership.objects.all()
    serializer_class = serializers.EnterpriseFileBriefSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return selectors.enterprise_file_list(brain=self.request.brain, viewer_access=self.access)

    def list(self, request, brain_slug=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=serializers.EnterpriseFileSerializer,
                   parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                                description="The enterprise's id.")])
    def retrieve(self, request, brain_slug=None, pk=None):
        try:
            file = selectors.enterprise_file(brain=request.brain, enterprise=int(pk), viewer_access=self.access)
        except selectors.EnterpriseFileNotFound:
            raise exceptions.NotFound() from None
        return Response(serializers.EnterpriseFileSerializer(file).data)


class PolicyViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Support policies (政策直达) of the brain. Operators record a policy with eligibility rules over the
    enterprise file (`policies/rule-fields/` lists what a rule may test), preview what the rules decide, publish it
    (every active member is then matched, and the eligible ones told once), change it (new rules re-match) and
    withdraw it. Members and government viewers read published and withdrawn policies; a member sees its own
    enterprise's outcome (`my_outcome`), never another's; drafts are the operators' alone (404)."""

    queryset = Policy.objects.all()
    serializer_class = serializers.PolicySerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return policy_selectors.policy_list(brain=self.request.brain, viewer_access=self.access)

    def _context(self, policies) -> dict:
        ids = [p.pk for p in policies]
        context = self.get_serializer_context()
        if self.access.is_operator or self.access.staff_role:
            context["counts"] = policy_selectors.policy_counts(brain=self.request.brain, policy_ids=ids)
        context["own"] = policy_selectors.own_matches(brain=self.request.brain, viewer_access=self.access,
                                                      policy_ids=ids)
        return context

    def list(self, request, brain_slug=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(serializers.PolicySerializer(page, many=True, context=self._context(page)).data)

    def retrieve(self, request, brain_slug=None, pk=None):
        return self.fresh(self.get_object())

    def fresh(self, policy, status_code=status.HTTP_200_OK):
        policy = self.get_queryset().get(pk=policy.pk)
        return Response(serializers.PolicySerializer(policy, context=self._context([policy])).data, status=status_code)

    @extend_schema(request=serializers.PolicyInputSerializer, responses={201: serializers.PolicySerializer})
    def create(self, request, brain_slug=None):
        """A draft policy (operators)."""
        made = policy_services.policy_create(brain=request.brain, by=request.user,
                                             **self.valid(serializers.PolicyInputSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.PolicyChangeSerializer, responses=serializers.PolicySerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """Change a draft or published policy; new rules on a published one re-match every member (those told
        before are not told again)."""
        changed = policy_services.policy_update(policy=self.get_object(), by=request.user,
                                                **self.valid(serializers.PolicyChangeSerializer))
        return self.fresh(changed)

    @extend_schema(responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Delete a draft; a published policy is withdrawn instead."""
        policy_services.policy_delete(policy=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=serializers.PolicySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, brain_slug=None, pk=None):
        """Publish a draft: members see it, every active member is matched, the eligible ones are told."""
        return self.fresh(policy_services.policy_publish(policy=self.get_object(), by=request.user))

    @extend_schema(request=serializers.PolicyWithdrawSerializer, responses=serializers.PolicySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """Withdraw a published policy with the reason; the enterprises told of it are told."""
        reason = self.valid(serializers.PolicyWithdrawSerializer)["reason"]
        return self.fresh(policy_services.policy_withdraw(policy=self.get_object(), by=request.user, reason=reason))

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def rematch(self, request, brain_slug=None, pk=None):
        """Match the open policy against every active member again now (it is also re-matched whenever an
        enterprise's file changes)."""
        policy_services.policy_rematch_request(policy=self.get_object(), by=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=serializers.PolicyRuleFieldSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="rule-fields", pagination_class=None, filter_backends=[])
    def rule_fields(self, request, brain_slug=None):
        """What an eligibility rule may test: each field with its operators, unit and allowed values."""
        return Response(serializers.PolicyRuleFieldSerializer(eligibility.vocabulary(), many=True).data)

    @extend_schema(request=serializers.PolicyPreviewInputSerializer, responses=serializers.PolicyPreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request, brain_slug=None):
        """What these rules would decide now over the active members, without storing or telling anything."""
        rules = self.valid(serializers.PolicyPreviewInputSerializer)["rules"]
        preview = policy_services.policy_preview(brain=request.brain, by=request.user, rules=rules)
        return Response(serializers.PolicyPreviewSerializer(policy_selectors.preview_view(preview)).data)


class PolicyMatchViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Decisions of policies, one per policy and enterprise, each explained field by field: the rule, what the
    enterprise file held, its source and as-of date, met / not met / unknown. Operators read every decision;
    a member only its own enterprise's; anyone else nothing."""

    queryset = PolicyMatch.objects.all()
    serializer_class = serializers.PolicyMatchSerializer
    filterset_fields = ["policy", "outcome", "enterprise"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return policy_selectors.policy_match_list(brain=self.request.brain, viewer_access=self.access)
