"""Group purchases and sample group orders over the API, with their pledges, settlements, supply orders,
lines and shipments, and the campaign's money (payments, journal, exposure; operators only).

Who sees what (anything else answers 404): supplychain.selectors.group_buys says.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from supplychain.api.filters.group_buys import (
    GroupBuyFilter, PledgeFilter, SettlementFilter, ShipmentFilter, SupplyOrderFilter, SupplyOrderLineFilter,
)
from supplychain.api.serializers.group_buys import (
    GroupBuyCreateSerializer, GroupBuySerializer, MemberStatementSerializer, PaymentInputSerializer,
    PledgeInputSerializer, PledgeSerializer, ReasonSerializer, ReceiptSerializer, SettlementSerializer,
    ShipmentInputSerializer, ShipmentSerializer, SupplierDecisionSerializer,
    SupplyChainSettingsInputSerializer, SupplyChainSettingsSerializer, SupplyOrderLineSerializer,
    SupplyOrderSerializer, TierProgressSerializer,
)
from supplychain.api.serializers.ledger import ExposureSerializer, JournalEntrySerializer
from supplychain.models import GroupBuy, Pledge, Settlement, Shipment, SupplyOrder, SupplyOrderLine
from supplychain.selectors.group_buys import (
    group_buy_list, member_statement, pledge_list, settlement_list, shipment_list, supply_chain_settings,
    supply_order_line_list, supply_order_line_named, supply_order_list, tier_progress,
)
from supplychain.selectors.ledger import journal_entry_list
from supplychain.services import group_buys, ledger
from tenants.api.base import BrainScopedViewSet


class GroupBuyViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Group purchases (集采) and sample group orders (拼单下样): the item, its price tiers by total quantity, the
    member rules and the deadline; the live total and tier in `progress`. Members pledge until the deadline;
    then the campaign locks at the tier reached (one price for all), is extended once, waits for the supplier,
    or is cancelled, as its `on_failure` says."""

    queryset = GroupBuy.objects.all()
    serializer_class = GroupBuySerializer
    filterset_class = GroupBuyFilter
    selector = group_buy_list

    def require_operator(self):
        if not self.access.is_operator:
            raise exceptions.NotFound()

    @extend_schema(request=GroupBuyCreateSerializer, responses={201: GroupBuySerializer})
    def create(self, request, brain_slug=None):
        """A draft campaign (operators; buyer members too where the brain allows, and for sample orders)."""
        data = dict(self.valid(GroupBuyCreateSerializer))
        made = group_buys.group_buy_create(brain=request.brain, by=request.user, tiers=data.pop("tiers"),
                                           windows=data.pop("windows"), suppliers=data.pop("suppliers"), **data)
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GroupBuySerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, brain_slug=None, pk=None):
        """Open the draft for pledges."""
        return self.fresh(group_buys.group_buy_open(group_buy=self.get_object(), by=request.user))

    @extend_schema(request=ReasonSerializer, responses=GroupBuySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, brain_slug=None, pk=None):
        """Call it off before it locks, saying why."""
        reason = self.valid(ReasonSerializer)["reason"]
        return self.fresh(group_buys.group_buy_cancel(group_buy=self.get_object(), by=request.user, reason=reason))

    @extend_schema(request=None, responses=GroupBuySerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, brain_slug=None, pk=None):
        """Operators: decide now a campaign whose deadline has passed (beat does it within a minute anyway)."""
        self.require_operator()
        return self.fresh(group_buys.group_buy_decide_now(group_buy=self.get_object(), by=request.user))

    @extend_schema(request=SupplierDecisionSerializer, responses=GroupBuySerializer)
    @action(detail=True, methods=["post"], url_path="supplier-decision")
    def supplier_decision(self, request, brain_slug=None, pk=None):
        """A supplier of a campaign waiting below its minimum: proceed at the tier reached, or not."""
        agree = self.valid(SupplierDecisionSerializer)["agree"]
        return self.fresh(group_buys.group_buy_supplier_decide(group_buy=self.get_object(), by=request.user,
                                                               agree=agree))

    @extend_schema(request=PledgeInputSerializer, responses={201: PledgeSerializer})
    @action(detail=True, methods=["post"])
    def pledge(self, request, brain_slug=None, pk=None):
        """Pledge, or change your enterprise's pledge: quantity, delivery address and window."""
        data = self.valid(PledgeInputSerializer)
        made = group_buys.pledge_save(group_buy=self.get_object(), by=request.user, quantity=data["quantity"],
                                      address=data["address"], window_id=data["window"])
        return Response(PledgeSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PledgeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """Withdraw your enterprise's pledge before the deadline."""
        return Response(PledgeSerializer(
            group_buys.pledge_withdraw(group_buy=self.get_object(), by=request.user)).data)

    @extend_schema(responses=TierProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, brain_slug=None, pk=None):
        """The live total, tier reached and quantity to the next tier (what the page shows everyone)."""
        return Response(TierProgressSerializer(tier_progress(self.get_object())).data)

    @extend_schema(responses=MemberStatementSerializer)
    @action(detail=True, methods=["get"])
    def statement(self, request, brain_slug=None, pk=None):
        """Your enterprise's money in this campaign: settlement, paid, balance."""
        group_buy = self.get_object()
        return Response(MemberStatementSerializer(
            member_statement(group_buy=group_buy, enterprise_id=request.user.enterprise_id or 0)).data)

    @extend_schema(request=PaymentInputSerializer, responses={201: JournalEntrySerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request, brain_slug=None, pk=None):
        """Operators: record money in from a member, a refund to one, or a payment to a supplier."""
        self.require_operator()
        data = self.valid(PaymentInputSerializer)
        entry = group_buys.payment_record(group_buy=self.get_object(), by=request.user, kind=data["kind"],
                                          enterprise_id=data["enterprise"], amount=data["amount"],
                                          reference=data["reference"], memo=data["memo"])
        entry = journal_entry_list(brain=request.brain).get(pk=entry.pk)
        return Response(JournalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=JournalEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def journal(self, request, brain_slug=None, pk=None):
        """Operators: the campaign's ledger entries, newest first."""
        self.require_operator()
        entries = journal_entry_list(brain=request.brain, group_buy=self.get_object())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(JournalEntrySerializer(page, many=True).data)

    @extend_schema(responses=ExposureSerializer)
    @action(detail=True, methods=["get"])
    def exposure(self, request, brain_slug=None, pk=None):
        """Operators: the campaign's books: bank, owed by members, owed to suppliers, open exposure."""
        self.require_operator()
        return Response(ExposureSerializer(
            ledger.exposure(brain_id=request.brain.pk, group_buy=self.get_object())).data)

    @extend_schema(responses=ExposureSerializer)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def books(self, request, brain_slug=None):
        """Operators: the whole brain's books for pooled buying, at this moment."""
        self.require_operator()
        return Response(ExposureSerializer(ledger.exposure(brain_id=request.brain.pk)).data)

    @extend_schema(methods=["GET"], responses=SupplyChainSettingsSerializer)
    @extend_schema(methods=["PUT"], request=SupplyChainSettingsInputSerializer,
                   responses=SupplyChainSettingsSerializer)
    @action(detail=False, methods=["get", "put"], url_path="settings", filter_backends=[], pagination_class=None)
    def brain_settings(self, request, brain_slug=None):
        """The brain's choices: whether buyer members may open group purchases, and the brain's trader (平台贸易商),
        to whom members owe their goods (operators change them; a field left out stays)."""
        if request.method == "PUT":
            data = dict(self.valid(SupplyChainSettingsInputSerializer))
            if "trader" in data:
                data["trader_id"] = data.pop("trader")
            group_buys.settings_save(brain=request.brain, by=request.user, **data)
        return Response(SupplyChainSettingsSerializer(supply_chain_settings(brain=request.brain)).data)


class PledgeViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's pledges (operators: every member's)."""

    queryset = Pledge.objects.all()
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    selector = pledge_list


class SettlementViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """What your enterprise owes for locked campaigns, to the fen, with the VAT invoice data."""

    queryset = Settlement.objects.all()
    serializer_class = SettlementSerializer
    filterset_class = SettlementFilter
    selector = settlement_list


class SupplyOrderViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """A supplier's orders from locked campaigns, with the split per member (operators: all)."""

    queryset = SupplyOrder.objects.all()
    serializer_class = SupplyOrderSerializer
    filterset_class = SupplyOrderFilter
    selector = supply_order_list


class SupplyOrderLineViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Lines of supply orders: a member's share, its shipments and receipts. Yours as supplier or as member."""

    queryset = SupplyOrderLine.objects.all()
    serializer_class = SupplyOrderLineSerializer
    filterset_class = SupplyOrderLineFilter
    selector = supply_order_line_list


class ShipmentViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Shipments of supply-order lines: the supplier records them, the member confirms receipt."""

    queryset = Shipment.objects.all()
    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    selector = shipment_list

    @extend_schema(request=ShipmentInputSerializer, responses={201: ShipmentSerializer})
    def create(self, request, brain_slug=None):
        """The supplier ships part or all of a line (at most what is left)."""
        data = self.valid(ShipmentInputSerializer)
        line = supply_order_line_named(brain=request.brain, viewer=self.access, pk=data["line"])
        made = group_buys.shipment_record(line=line, by=request.user, quantity=data["quantity"],
                                          note_number=data["note_number"], shipped_on=data["shipped_on"])
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReceiptSerializer, responses=ShipmentSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, brain_slug=None, pk=None):
        """The member confirms what arrived (less than shipped: the rest is owed again)."""
        quantity = self.valid(ReceiptSerializer)["quantity"]
        made = group_buys.shipment_receive(shipment=self.get_object(), by=request.user, quantity=quantity)
        return Response(self.get_serializer(made).data)
