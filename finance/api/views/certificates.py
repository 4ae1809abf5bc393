"""Payable certificates over the API: issue, split, transfer, and the receiver's answer; redemption at maturity."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from finance.api.filters.certificates import CertificateFilter, CertificateTransferFilter
from finance.api.serializers.certificates import (
    CertificateIssueSerializer, CertificateSerializer, CertificateSplitSerializer,
    CertificateTransferCreateSerializer, CertificateTransferSerializer, TransferDeclineSerializer,
)
from finance.api.serializers.payables import PaymentSerializer
from finance.models import Certificate, CertificateTransfer
from finance.selectors.certificates import certificate_list, certificate_transfer_list
from finance.selectors.payables import payable_list
from finance.services import certificates
from tenants.api.base import BrainScopedViewSet
from tenants.errors import DomainError


class CertificateViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Certificates you hold, issued, or are offered (operators: all), split ones too for their history."""

    queryset = Certificate.objects.all()
    selector = certificate_list
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter

    @extend_schema(request=CertificateIssueSerializer, responses={201: CertificateSerializer})
    def create(self, request, brain_slug=None):
        """Issue a certificate on a confirmed payable owed to you: you hold it, to split and pass on."""
        payable = payable_list(brain=request.brain, viewer=self.access).filter(
            pk=self.valid(CertificateIssueSerializer)["payable"]).first()
        if payable is None:
            raise DomainError(_("No such payable of yours."), field="payable")
        return self.fresh(certificates.certificate_issue(payable=payable, by=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=CertificateSplitSerializer, responses={201: CertificateSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def split(self, request, brain_slug=None, pk=None):
        """Split a certificate you hold into parts that add up to it exactly."""
        children = certificates.certificate_split(certificate=self.get_object(), by=request.user,
                                                  **self.valid(CertificateSplitSerializer))
        rows = self.visible().filter(pk__in=[child.pk for child in children]).order_by("pk")
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CertificateTransferCreateSerializer, responses={201: CertificateTransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, brain_slug=None, pk=None):
        """Offer the certificate, or an `amount` of it, to another member; it waits for their answer."""
        data = self.valid(CertificateTransferCreateSerializer)
        transfer = certificates.certificate_transfer(certificate=self.get_object(), by=request.user,
                                                     receiver_id=data.pop("receiver"), **data)
        row = certificate_transfer_list(brain=request.brain, viewer=self.access).get(pk=transfer.pk)
        return Response(CertificateTransferSerializer(row, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def redeem(self, request, brain_slug=None, pk=None):
        """The issuer records that it paid the holder at maturity (send an Idempotency-Key)."""
        return self.fresh(certificates.certificate_redeem(certificate=self.get_object(), by=request.user,
                                                          **self.valid(PaymentSerializer)))


class CertificateTransferViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Offers of certificates you sent or received (operators: all)."""

    queryset = CertificateTransfer.objects.all()
    selector = certificate_transfer_list
    serializer_class = CertificateTransferSerializer
    filterset_class = CertificateTransferFilter

    @extend_schema(request=None, responses=CertificateTransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, brain_slug=None, pk=None):
        """The receiver accepts before the offer expires: it now holds the certificate."""
        return self.fresh(certificates.certificate_transfer_accept(transfer=self.get_object(), by=request.user))

    @extend_schema(request=TransferDeclineSerializer, responses=CertificateTransferSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, brain_slug=None, pk=None):
        """The receiver declines: the certificate returns to the sender."""
        return self.fresh(certificates.certificate_transfer_decline(transfer=self.get_object(), by=request.user,
                                                                    **self.valid(TransferDeclineSerializer)))

    @extend_schema(request=None, responses=CertificateTransferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The sender takes the offer back before it is answered."""
        return self.fresh(certificates.certificate_transfer_withdraw(transfer=self.get_object(), by=request.user))
