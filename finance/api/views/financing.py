"""Bank financing over the API: a bank's lines and exposure, a supplier's requests, the banks' quotes and the
supplier's acceptance (send an Idempotency-Key)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from finance.api.filters.financing import CreditLineFilter, FinancingQuoteFilter, FinancingRequestFilter
from finance.api.serializers.financing import (
    CreditLineOpenSerializer,
    CreditLineReviseSerializer,
    CreditLineSerializer,
    BankExposureSerializer,
    FinancingQuoteMakeSerializer,
    FinancingQuoteSerializer,
    FinancingRequestMakeSerializer,
    FinancingRequestSerializer,
)
from finance.api.views.discounting import claim_named
from finance.models import CreditLine, FinancingQuote, FinancingRequest
from finance.selectors.financing import (
    bank_exposure,
    credit_line_list,
    financing_quote_list,
    financing_request_list,
)
from finance.services import financing
from tenants.api.base import BrainScopedViewSet
from tenants.errors import DomainError


class CreditLineViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your credit lines on buyers (a bank; operators: all)."""

    queryset = CreditLine.objects.all()
    selector = credit_line_list
    serializer_class = CreditLineSerializer
    filterset_class = CreditLineFilter

    @extend_schema(request=CreditLineOpenSerializer, responses={201: CreditLineSerializer})
    def create(self, request, brain_slug=None):
        """A bank opens its line on a buyer of the brain."""
        data = self.valid(CreditLineOpenSerializer)
        made = financing.credit_line_open(brain=request.brain, by=request.user, buyer_id=data.pop("buyer"), **data)
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=CreditLineReviseSerializer, responses=CreditLineSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, brain_slug=None, pk=None):
        """The bank changes its line's limit (never below what is in use) or expiry."""
        return self.fresh(financing.credit_line_revise(line=self.get_object(), by=request.user,
                                                       **self.valid(CreditLineReviseSerializer)))

    @extend_schema(request=None, responses=BankExposureSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def exposure(self, request, brain_slug=None):
        """Each bank's exposure per buyer against its line (yours; operators every bank's; government viewers the
        brain's total)."""
        return Response(BankExposureSerializer(bank_exposure(brain=request.brain, viewer=self.access), many=True).data)


class FinancingRequestViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Requests to finance a claim: yours (a supplier), those you were asked to quote (a bank); operators: all."""

    queryset = FinancingRequest.objects.all()
    selector = financing_request_list
    serializer_class = FinancingRequestSerializer
    filterset_class = FinancingRequestFilter

    @extend_schema(request=FinancingRequestMakeSerializer, responses={201: FinancingRequestSerializer})
    def create(self, request, brain_slug=None):
        """Ask to have a confirmed `payable` or a held `certificate` of yours financed: every bank with room on the
        debtor's line is asked to quote."""
        data = self.valid(FinancingRequestMakeSerializer)
        made = financing.financing_request_make(brain=request.brain, by=request.user, note=data["note"],
                                                **claim_named(self, data))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FinancingRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """Withdraw your request: you keep the claim and are paid at maturity."""
        return self.fresh(financing.financing_request_withdraw(request=self.get_object(), by=request.user))


class FinancingQuoteViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Quotes: yours (a bank), those on your requests (a supplier); operators: all."""

    queryset = FinancingQuote.objects.all()
    selector = financing_quote_list
    serializer_class = FinancingQuoteSerializer
    filterset_class = FinancingQuoteFilter

    @extend_schema(request=FinancingQuoteMakeSerializer, responses={201: FinancingQuoteSerializer})
    def create(self, request, brain_slug=None):
        """A bank asked to quote prices a request (a new quote replaces its open one)."""
        data = self.valid(FinancingQuoteMakeSerializer)
        asked = financing_request_list(brain=request.brain, viewer=self.access).filter(pk=data.pop("request")).first()
        if asked is None:
            raise DomainError(_("No such request asked of you."), field="request")
        made = financing.financing_quote_make(request=asked, by=request.user, **data)
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FinancingQuoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, brain_slug=None, pk=None):
        """The supplier accepts this quote: the bank pays it face − discount − fee today (send an Idempotency-Key;
        a request is accepted once)."""
        return self.fresh(financing.financing_quote_accept(quote=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=FinancingQuoteSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The bank takes back its open quote."""
        return self.fresh(financing.financing_quote_withdraw(quote=self.get_object(), by=request.user))
