"""Usage over the API: the metered records (a subscriber's own; operators every one), the monthly statements with
their lines, and the operators' issuing of a month's statements (send an Idempotency-Key)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dataproducts.api.filters.usage import UsageRecordFilter, UsageStatementFilter
from dataproducts.api.serializers.usage import (
    UsageRecordSerializer,
    UsageStatementDetailSerializer,
    UsageStatementIssueSerializer,
    UsageStatementSerializer,
)
from dataproducts.models import UsageRecord, UsageStatement
from dataproducts.selectors.usage import usage_record_list, usage_statement_lines, usage_statement_list
from dataproducts.services import usage
from tenants.access import require_operator
from tenants.api.base import BrainScopedViewSet
from tenants.models import Enterprise


class UsageRecordViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Metered uses of products and apps, newest first: your own (operators: every subscriber's)."""

    queryset = UsageRecord.objects.all()
    selector = usage_record_list
    serializer_class = UsageRecordSerializer
    filterset_class = UsageRecordFilter


class UsageStatementViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Monthly statements: your own (operators: every subscriber's); the detail has the lines, VAT per line."""

    queryset = UsageStatement.objects.all()
    selector = usage_statement_list
    serializer_class = UsageStatementSerializer
    filterset_class = UsageStatementFilter

    def get_serializer_class(self):
        return UsageStatementDetailSerializer if self.action == "retrieve" else UsageStatementSerializer

    def get_object(self):
        statement = super().get_object()
        statement.line_list = usage_statement_lines(statement=statement)
        return statement

    @extend_schema(request=UsageStatementIssueSerializer, responses={201: UsageStatementSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def issue(self, request, brain_slug=None):
        """Operators: issue a month's statements (a month that is over), for one subscriber or every one with
        charges not billed yet; those issued already are skipped. 400 `nothing_to_bill`, `already_issued` or
        `month_not_over` for one subscriber."""
        require_operator(brain=request.brain, user=request.user)
        data = self.valid(UsageStatementIssueSerializer)
        if "enterprise" in data:  # a subscriber of this brain (a former member too): one with usage here
            subscriber = get_object_or_404(Enterprise.objects.filter(
                pk__in=UsageRecord.objects.in_brain(request.brain).values("enterprise_id")), pk=data["enterprise"])
            made = [usage.usage_statement_issue(brain=request.brain, enterprise=subscriber, month=data["month"],
                                                by=request.user)]
        else:
            made = usage.usage_statements_issue_month(brain=request.brain, month=data["month"], by=request.user)
        rows = self.visible().filter(pk__in=[s.pk for s in made])
        return Response(UsageStatementSerializer(rows, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
