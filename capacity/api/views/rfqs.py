"""RFQs over the API: the buyer's own in every status, those a supplier may quote on once published (never a
draft); invitations, comparison and recommendations are the buyer's only; questions; a supplier's own quotes."""


from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capacity.api.filters.rfqs import QuestionFilter, QuoteFilter, RfqFilter
from capacity.api.serializers.awards import (
    AwardRequestSerializer, PurchaseOrderSerializer, RecommendationRequestSerializer,
    RecommendationSerializer,
)
from capacity.api.serializers.rfqs import (
    AnswerInputSerializer, ComparisonSerializer, InvitationSerializer, QuestionInputSerializer,
    QuestionSerializer, QuoteInputSerializer, QuoteSerializer, RfqCreateSerializer, RfqSerializer,
)
from capacity.models import Question, Quote, Rfq
from capacity.selectors.awards import latest_recommendation, purchase_order_list
from capacity.selectors.rfqs import comparison, invitation_list, question_list, quote_list, rfq_list
from capacity.services import awards, rfqs
from capacity.workbooks import comparison_workbook
from tenants.api.base import BrainScopedViewSet
from tenants.api.downloads import DOWNLOAD, XLSX, attachment
from tenants.errors import DomainError


class RfqViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """RFQs: yours as a buyer, and those you may quote on as a supplier (never another's draft)."""

    queryset = Rfq.objects.all()
    selector = rfq_list
    serializer_class = RfqSerializer
    filterset_class = RfqFilter

    def visible(self):
        # Actions need the RFQ row only; the lines are for its representation.
        rfqs_ = super().visible()
        return rfqs_ if self.action in ("list", "retrieve") else rfqs_.prefetch_related(None)

    def buyer_rfq(self) -> Rfq:
        """The RFQ, for its buyer. To a supplier that sees the RFQ, its buyer-only parts do not exist (404)."""
        rfq = self.get_object()
        if rfq.buyer_id != self.enterprise_id:  # the rule of selectors.rfqs.own_rfq_list, on the object in hand
            raise exceptions.NotFound()
        return rfq

    def fresh(self, rfq: Rfq, status_code=status.HTTP_200_OK) -> Response:
        rfq = rfq_list(brain=self.request.brain, viewer=self.access).get(pk=rfq.pk)  # with its lines
        return Response(self.get_serializer(rfq).data, status=status_code)

    @extend_schema(request=RfqCreateSerializer, responses={201: RfqSerializer})
    def create(self, request, brain_slug=None):
        """A draft RFQ of parts or single operations of one of your projects."""
        data = dict(self.valid(RfqCreateSerializer))
        rfq = rfqs.rfq_create(project=data.pop("project"), by=request.user, **data)
        return self.fresh(rfq, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RfqSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, brain_slug=None, pk=None):
        """Open for quotes; matching then invites the capable suppliers."""
        return self.fresh(rfqs.rfq_publish(rfq=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=RfqSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, brain_slug=None, pk=None):
        """Stop quoting before the deadline; the prices become visible to you."""
        return self.fresh(rfqs.rfq_close(rfq=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=RfqSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, brain_slug=None, pk=None):
        return self.fresh(rfqs.rfq_cancel(rfq=self.get_object(), by=request.user))

    @extend_schema(responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def invitations(self, request, brain_slug=None, pk=None):
        """Buyer only: the suppliers invited by you or matched by the brain, with score and reasons per line."""
        rfq = self.buyer_rfq()
        return Response(InvitationSerializer(invitation_list(rfq=rfq), many=True).data)

    @extend_schema(responses=ComparisonSerializer)
    @action(detail=True, methods=["get"])
    def comparison(self, request, brain_slug=None, pk=None):
        """Buyer only. Sealed until the deadline (or an early close): {"sealed": true, "quote_count": n} and no
        prices. Then lines × suppliers with the lowest and fastest offers marked, totals and track record."""
        return Response(ComparisonSerializer(comparison(rfq=self.buyer_rfq())).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, operation_id="v1_brains_rfqs_comparison_xlsx")
    @action(detail=True, methods=["get"], url_path="comparison.xlsx", url_name="comparison-xlsx", **DOWNLOAD)
    def comparison_xlsx(self, request, brain_slug=None, pk=None):
        """Buyer only, once quoting has ended: the comparison as a workbook."""
        table = comparison(rfq=self.buyer_rfq())
        if table.sealed:
            raise DomainError(_("Quotes are sealed until the deadline (or until you close quoting). You see how "
                                "many arrived, never a price."), code="sealed")
        return attachment(comparison_workbook(table), f"{table.rfq.number}-comparison.xlsx")

    @extend_schema(methods=["GET"], responses=RecommendationSerializer,
                   description="Buyer only: the latest recommendation (404 before any was asked for). "
                               "status is pending until a worker has computed it.")
    @extend_schema(methods=["POST"], request=RecommendationRequestSerializer,
                   responses={202: RecommendationSerializer},
                   description="Buyer only, once quoting has ended: ask the optimiser for the cheapest award "
                               "within capacity, due dates and at most max_suppliers suppliers.")
    @action(detail=True, methods=["get", "post"])
    def recommendations(self, request, brain_slug=None, pk=None):
        rfq = self.buyer_rfq()
        if request.method == "POST":
            recommendation = awards.recommendation_request(
                rfq=rfq, by=request.user, **self.valid(RecommendationRequestSerializer))
            return Response(RecommendationSerializer(recommendation).data,
                            status=status.HTTP_202_ACCEPTED)
        recommendation = latest_recommendation(rfq=rfq)
        if recommendation is None:
            raise exceptions.NotFound()
        return Response(RecommendationSerializer(recommendation).data)

    @extend_schema(request=AwardRequestSerializer,
                   responses={201: PurchaseOrderSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None)
    def award(self, request, brain_slug=None, pk=None):
        """Award lines to quote lines (a split award is fine); returns the purchase orders they went on.
        A line already awarded is refused with code "already_awarded" and nothing of the call is written."""
        decisions = self.valid(AwardRequestSerializer)["decisions"]
        orders = awards.award_lines(rfq=self.get_object(), by=request.user,
                                    decisions={d["rfq_line"]: d["quote_line"] for d in decisions})
        orders = purchase_order_list(brain=request.brain, viewer=self.access).filter(
            pk__in=[order.pk for order in orders])
        return Response(PurchaseOrderSerializer(orders, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=QuestionSerializer(many=True),
                   description="The buyer sees every question; a supplier its own and every answered one. "
                               "Askers are named to the buyer only.")
    @extend_schema(methods=["POST"], request=QuestionInputSerializer,
                   responses={201: QuestionSerializer},
                   description="A supplier that may quote asks the buyer.")
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def questions(self, request, brain_slug=None, pk=None):
        rfq = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            question = rfqs.question_ask(rfq=rfq, by=request.user,
                                         **self.valid(QuestionInputSerializer))
            question = question_list(brain=request.brain, viewer=self.access).get(
                pk=question.pk)
            return Response(QuestionSerializer(question, context=context).data,
                            status=status.HTTP_201_CREATED)
        questions = question_list(brain=request.brain, viewer=self.access, rfq=rfq)
        return Response(QuestionSerializer(questions, many=True, context=context).data)

    @extend_schema(methods=["GET"], responses=QuoteSerializer,
                   description="Your own quote on this RFQ (404 until you have quoted).")
    @extend_schema(methods=["PUT"], request=QuoteInputSerializer, responses=QuoteSerializer,
                   description="Submit or revise your quote until the deadline (server clock); the lines "
                               "replace the previous revision's.")
    @action(detail=True, methods=["get", "put"])
    def quote(self, request, brain_slug=None, pk=None):
        rfq = self.get_object()
        if request.method == "PUT":
            data = self.valid(QuoteInputSerializer)
            rfqs.quote_submit(rfq=rfq, by=request.user, lines=[dict(line) for line in data["lines"]],
                              remarks=data["remarks"])
        quote = quote_list(brain=request.brain, viewer=self.access).filter(rfq=rfq).first()
        if quote is None:
            raise exceptions.NotFound()
        return Response(QuoteSerializer(quote).data)


class QuestionViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Questions on RFQs: all of yours as a buyer; as a supplier your own and the answered ones."""

    queryset = Question.objects.all()
    selector = question_list
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter

    @extend_schema(request=AnswerInputSerializer, responses=QuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, brain_slug=None, pk=None):
        """The buyer answers; every supplier that may quote then sees the answer (not who asked)."""
        question = rfqs.question_answer(question=self.get_object(), by=request.user,
                                        **self.valid(AnswerInputSerializer))
        return self.fresh(question)


class QuoteViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's own quotes, as a supplier. Nobody else's, ever."""

    queryset = Quote.objects.all()
    selector = quote_list
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter
