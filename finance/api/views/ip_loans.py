"""IP-pledge loans over the API: apply with the patents of your enterprise file; the bank asks for documents, you
upload and supply them; the bank approves or declines, records the pledge registration, the disbursement and each
repayment (send an Idempotency-Key with money); you may withdraw before the money goes."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from finance.api.filters.ip_loans import IpLoanDocumentFilter, IpLoanFilter
from finance.api.serializers.ip_loans import (
    IpLoanApplySerializer,
    IpLoanApproveSerializer,
    IpLoanDetailSerializer,
    IpLoanDisburseSerializer,
    IpLoanDocumentSerializer,
    IpLoanDocumentsRequestSerializer,
    IpLoanDocumentsUploadSerializer,
    IpLoanNoteSerializer,
    IpLoanPledgeRegistrationSerializer,
    IpLoanReasonSerializer,
    IpLoanRepaymentRecordSerializer,
    IpLoanRepaymentSerializer,
    IpLoanSerializer,
    IpLoanTotalsSerializer,
    PatentChoiceSerializer,
)
from finance.models import IpLoanApplication, IpLoanDocument
from finance.selectors.ip_loans import (
    ip_loan_banks,
    ip_loan_document_list,
    ip_loan_list,
    ip_loan_patents,
    ip_loan_totals,
)
from finance.services import ip_loans
from tenants.api.base import BrainScopedViewSet
from tenants.api.downloads import DOWNLOAD
from tenants.api.fields import EnterpriseBriefSerializer
from tenants.uploads import uploads_read


class IpLoanViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """IP-pledge loan applications: those you made, those made to your bank (operators: all)."""

    queryset = IpLoanApplication.objects.all()
    selector = ip_loan_list
    serializer_class = IpLoanDetailSerializer
    filterset_class = IpLoanFilter

    def get_serializer_class(self):
        return IpLoanSerializer if self.action == "list" else IpLoanDetailSerializer

    def get_queryset(self):
        rows = super().get_queryset()
        return rows.prefetch_related("pledges") if self.action == "list" else rows

    @extend_schema(request=IpLoanApplySerializer, responses={201: IpLoanDetailSerializer})
    def create(self, request, brain_slug=None):
        """Apply to a bank of the brain, pledging patents your enterprise file lists (an administrator)."""
        data = self.valid(IpLoanApplySerializer)
        made = ip_loans.ip_loan_apply(brain=request.brain, by=request.user, bank_id=data.pop("bank"), **data)
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(responses=PatentChoiceSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def patents(self, request, brain_slug=None):
        """The patents your enterprise file lists, each with the application of this brain pledging it, if any."""
        me = self.access.enterprise_id if self.access.is_member else None
        return Response(PatentChoiceSerializer(ip_loan_patents(brain=request.brain, enterprise_id=me),
                                               many=True).data)

    @extend_schema(responses=EnterpriseBriefSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def banks(self, request, brain_slug=None):
        """The banks of this brain one may apply to."""
        return Response(EnterpriseBriefSerializer(ip_loan_banks(brain=request.brain), many=True).data)

    @extend_schema(responses=IpLoanTotalsSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def totals(self, request, brain_slug=None):
        """How many applications and how much money by status: the brain's for its operators and government
        viewers, your own for a member."""
        return Response(IpLoanTotalsSerializer(ip_loan_totals(brain=request.brain, viewer=self.access)).data)

    @extend_schema(request=IpLoanDocumentsRequestSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-documents")
    def request_documents(self, request, brain_slug=None, pk=None):
        """The bank lists the documents it needs, with a note."""
        application = self.get_object()
        ip_loans.ip_loan_documents_request(application=application, by=request.user,
                                           **self.valid(IpLoanDocumentsRequestSerializer))
        return self.fresh(application)

    @extend_schema(request={"multipart/form-data": IpLoanDocumentsUploadSerializer},
                   responses={201: IpLoanDocumentSerializer(many=True)})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, brain_slug=None, pk=None):
        """The applicant uploads files for the bank: PDF, JPEG or PNG, at most 10 MB each (refused unread if
        larger), checked by content."""
        application = self.get_object()
        data = self.valid(IpLoanDocumentsUploadSerializer)
        uploads = uploads_read([(upload, "document") for upload in data["files"]], field="files",
                               max_files=ip_loans.MAX_DOCUMENTS_AT_ONCE, max_bytes=ip_loans.MAX_DOCUMENT_BYTES)
        stored = ip_loans.ip_loan_documents_upload(application=application, by=request.user, uploads=uploads,
                                                   item=data["item"])
        rows = ip_loan_document_list(brain=request.brain, viewer=self.access).filter(
            pk__in=[document.pk for document in stored]).order_by("pk")
        return Response(IpLoanDocumentSerializer(rows, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=IpLoanNoteSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="supply-documents")
    def supply_documents(self, request, brain_slug=None, pk=None):
        """The applicant tells the bank the documents asked for are uploaded."""
        return self.fresh(ip_loans.ip_loan_documents_supply(application=self.get_object(), by=request.user,
                                                            **self.valid(IpLoanNoteSerializer)))

    @extend_schema(request=IpLoanApproveSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, brain_slug=None, pk=None):
        """The bank approves: amount (at most what was asked), APR, term and repayment method."""
        return self.fresh(ip_loans.ip_loan_approve(application=self.get_object(), by=request.user,
                                                   **self.valid(IpLoanApproveSerializer)))

    @extend_schema(request=IpLoanReasonSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, brain_slug=None, pk=None):
        """The bank declines, with its reason; the patents are free again."""
        return self.fresh(ip_loans.ip_loan_decline(application=self.get_object(), by=request.user,
                                                   **self.valid(IpLoanReasonSerializer)))

    @extend_schema(request=IpLoanReasonSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The applicant withdraws before the money is paid out; the patents are free again."""
        return self.fresh(ip_loans.ip_loan_withdraw(application=self.get_object(), by=request.user,
                                                    **self.valid(IpLoanReasonSerializer)))

    @extend_schema(request=IpLoanPledgeRegistrationSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="register-pledge")
    def register_pledge(self, request, brain_slug=None, pk=None):
        """The bank records the pledge registration (质押登记号 and date) of an approved loan."""
        return self.fresh(ip_loans.ip_loan_pledge_register(application=self.get_object(), by=request.user,
                                                           **self.valid(IpLoanPledgeRegistrationSerializer)))

    @extend_schema(request=IpLoanDisburseSerializer, responses=IpLoanDetailSerializer)
    @action(detail=True, methods=["post"])
    def disburse(self, request, brain_slug=None, pk=None):
        """The bank records that it paid the loan out (send an Idempotency-Key): the schedule runs from then."""
        return self.fresh(ip_loans.ip_loan_disburse(application=self.get_object(), by=request.user,
                                                    **self.valid(IpLoanDisburseSerializer)))

    @extend_schema(request=IpLoanRepaymentRecordSerializer, responses={201: IpLoanRepaymentSerializer})
    @action(detail=True, methods=["post"])
    def repayments(self, request, brain_slug=None, pk=None):
        """The bank records money received (send an Idempotency-Key: a retry records it once)."""
        repayment = ip_loans.ip_loan_repayment_record(application=self.get_object(), by=request.user,
                                                      **self.valid(IpLoanRepaymentRecordSerializer))
        return Response(IpLoanRepaymentSerializer(repayment).data, status=status.HTTP_201_CREATED)


class IpLoanDocumentViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Files of loan applications: the applicant's and its bank's (operators: all). Anyone else: 404."""

    queryset = IpLoanDocument.objects.all()
    selector = ip_loan_document_list
    serializer_class = IpLoanDocumentSerializer
    filterset_class = IpLoanDocumentFilter

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], **DOWNLOAD)
    def download(self, request, brain_slug=None, pk=None):
        """The stored file with its original name and the content type its content showed at upload."""
        document = self.get_object()
        response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                                content_type=document.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
