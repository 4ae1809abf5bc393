"""Policies (政策直达) and their decisions over the API: reads through brain.selectors.policies, writes through
brain.services.policies."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from brain import eligibility
from brain.api.serializers.policies import (
    PolicyChangeSerializer, PolicyInputSerializer, PolicyMatchSerializer, PolicyPreviewInputSerializer,
    PolicyPreviewSerializer, PolicyRuleFieldSerializer, PolicySerializer, PolicyWithdrawSerializer,
)
from brain.models import Policy, PolicyMatch
from brain.selectors.policies import own_matches, policy_counts, policy_list, policy_match_list, preview_view
from brain.services.policies import (
    policy_create, policy_delete, policy_preview, policy_publish, policy_rematch_request, policy_update,
    policy_withdraw,
)
from tenants.api.base import BrainScopedViewSet


class PolicyViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Support policies (政策直达) of the brain. Operators record a policy with eligibility rules over the
    enterprise file (`policies/rule-fields/` lists what a rule may test), preview what the rules decide, publish it
    (every active member is then matched, and the eligible ones told once), change it (new rules re-match) and
    withdraw it. Members and government viewers read published and withdrawn policies; a member sees its own
    enterprise's outcome (`my_outcome`), never another's; drafts are the operators' alone (404)."""

    queryset = Policy.objects.all()
    serializer_class = PolicySerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return policy_list(brain=self.request.brain, viewer=self.access)

    def _context(self, policies) -> dict:
        ids = [p.pk for p in policies]
        context = self.get_serializer_context()
        if self.access.is_operator or self.access.staff_role:
            context["counts"] = policy_counts(brain=self.request.brain, policy_ids=ids)
        context["own"] = own_matches(brain=self.request.brain, viewer=self.access,
                                     policy_ids=ids)
        return context

    def list(self, request, brain_slug=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PolicySerializer(page, many=True, context=self._context(page)).data)

    def retrieve(self, request, brain_slug=None, pk=None):
        return self.fresh(self.get_object())

    def fresh(self, policy, status_code=status.HTTP_200_OK):
        policy = self.get_queryset().get(pk=policy.pk)
        return Response(PolicySerializer(policy, context=self._context([policy])).data, status=status_code)

    @extend_schema(request=PolicyInputSerializer, responses={201: PolicySerializer})
    def create(self, request, brain_slug=None):
        """A draft policy (operators)."""
        made = policy_create(brain=request.brain, by=request.user,
                             **self.valid(PolicyInputSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=PolicyChangeSerializer, responses=PolicySerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """Change a draft or published policy; new rules on a published one re-match every member (those told
        before are not told again)."""
        changed = policy_update(policy=self.get_object(), by=request.user,
                                **self.valid(PolicyChangeSerializer))
        return self.fresh(changed)

    @extend_schema(responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Delete a draft; a published policy is withdrawn instead."""
        policy_delete(policy=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=PolicySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, brain_slug=None, pk=None):
        """Publish a draft: members see it, every active member is matched, the eligible ones are told."""
        return self.fresh(policy_publish(policy=self.get_object(), by=request.user))

    @extend_schema(request=PolicyWithdrawSerializer, responses=PolicySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """Withdraw a published policy with the reason; the enterprises told of it are told."""
        reason = self.valid(PolicyWithdrawSerializer)["reason"]
        return self.fresh(policy_withdraw(policy=self.get_object(), by=request.user, reason=reason))

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def rematch(self, request, brain_slug=None, pk=None):
        """Match the open policy against every active member again now (it is also re-matched whenever an
        enterprise's file changes)."""
        policy_rematch_request(policy=self.get_object(), by=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=PolicyRuleFieldSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="rule-fields", pagination_class=None, filter_backends=[])
    def rule_fields(self, request, brain_slug=None):
        """What an eligibility rule may test: each field with its operators, unit and allowed values."""
        return Response(PolicyRuleFieldSerializer(eligibility.vocabulary(), many=True).data)

    @extend_schema(request=PolicyPreviewInputSerializer, responses=PolicyPreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request, brain_slug=None):
        """What these rules would decide now over the active members, without storing or telling anything."""
        rules = self.valid(PolicyPreviewInputSerializer)["rules"]
        preview = policy_preview(brain=request.brain, by=request.user, rules=rules)
        return Response(PolicyPreviewSerializer(preview_view(preview)).data)


class PolicyMatchViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Decisions of policies, one per policy and enterprise, each explained field by field: the rule, what the
    enterprise file held, its source and as-of date, met / not met / unknown. Operators read every decision;
    a member only its own enterprise's; anyone else nothing."""

    queryset = PolicyMatch.objects.all()
    serializer_class = PolicyMatchSerializer
    filterset_fields = ["policy", "outcome", "enterprise"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return policy_match_list(brain=self.request.brain, viewer=self.access)
