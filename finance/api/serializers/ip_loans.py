"""IP-pledge loans over the API: the application as its applicant and bank see it, with its pledged patents, the
bank's requests for documents and the files, the schedule (projected once approved, fixed once paid out), the
repayments and the audit trail; and the bodies of every action."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from finance.models import (
    IpLoanAction, IpLoanApplication, IpLoanDocument, IpLoanDocumentRequest, IpLoanPledge,
    IpLoanRepayment,
)
from finance.models.ip_loans import MAX_TERM_MONTHS
from finance.selectors.ip_loans import ip_loan_schedule
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money

AMOUNT_IN = {"max_digits": 14, "decimal_places": 2}


class IpLoanPledgeSerializer(serializers.ModelSerializer):
    """A pledged patent and its public facts, as the applicant's enterprise file gave them when it applied."""

    class Meta:
        model = IpLoanPledge
        fields = ["patent_number", "title", "kind", "granted_on", "source", "as_of", "released_at"]
        read_only_fields = fields


class IpLoanDocumentSerializer(serializers.ModelSerializer):
    """A file the applicant gave the bank; `download` is where its bytes are."""

    download = serializers.SerializerMethodField()
    uploaded_by = PersonField()

    class Meta:
        model = IpLoanDocument
        fields = ["id", "application", "request", "item", "original_name", "content_type", "size", "sha256",
                  "uploaded_by", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, document) -> str:
        brain = self.context.get("brain")
        return reverse("ip-loan-document-download", kwargs={
            "brain_slug": brain.slug if brain else document.brain.slug, "pk": document.pk})


class IpLoanDocumentRequestSerializer(serializers.ModelSerializer):
    requested_by = PersonField()
    items = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = IpLoanDocumentRequest
        fields = ["id", "items", "note", "requested_by", "requested_at", "supplied_at"]
        read_only_fields = fields


class IpLoanInstalmentSerializer(serializers.Serializer):
    """One instalment: stored once the loan is paid out; before that, as it would run if paid out today."""

    sequence = serializers.IntegerField()
    due_on = serializers.DateField()
    principal = money()
    interest = money()
    amount = money()
    paid_amount = money(default=None, allow_null=True)
    outstanding = money()
    paid_on = serializers.DateField(default=None, allow_null=True)
    state = serializers.ChoiceField(choices=["projected", "due", "overdue", "part_paid", "paid"])


class IpLoanRepaymentSerializer(serializers.ModelSerializer):
    amount = money()
    principal = money()
    interest = money()
    recorded_by = PersonField()

    class Meta:
        model = IpLoanRepayment
        fields = ["id", "application", "amount", "principal", "interest", "paid_on", "reference", "recorded_by",
                  "recorded_at"]
        read_only_fields = fields


class IpLoanActionSerializer(serializers.ModelSerializer):
    by = PersonField(allow_null=True)

    class Meta:
        model = IpLoanAction
        fields = ["action", "status_before", "status_after", "by", "at", "note"]
        read_only_fields = fields


class IpLoanSerializer(serializers.ModelSerializer):
    """An application as lists show it: parties, amounts, status, pledged patents."""

    applicant = EnterpriseBriefSerializer(read_only=True)
    bank = EnterpriseBriefSerializer(read_only=True)
    amount = money()
    approved_amount = money(allow_null=True)
    pledges = IpLoanPledgeSerializer(many=True, read_only=True)
    submitted_by = PersonField()
    decided_by = PersonField(allow_null=True)

    class Meta:
        model = IpLoanApplication
        fields = ["id", "number", "applicant", "bank", "currency", "amount", "term_months", "purpose", "status",
                  "submitted_at", "submitted_by", "approved_amount", "apr", "approved_term_months",
                  "repayment_method", "decided_at", "decided_by", "decline_reason", "withdraw_reason",
                  "pledge_registration_number", "pledge_registered_on", "disbursed_on", "repaid_on", "pledges",
                  "updated_at"]
        read_only_fields = fields


class IpLoanDetailSerializer(IpLoanSerializer):
    """One application whole: its requests for documents and files, its schedule, repayments and audit trail."""

    document_requests = IpLoanDocumentRequestSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField(help_text=_(
        "Projected (as if paid out today) once approved; the loan's own instalments once paid out."))
    repayments = IpLoanRepaymentSerializer(many=True, read_only=True)
    actions = IpLoanActionSerializer(many=True, read_only=True)

    class Meta(IpLoanSerializer.Meta):
        fields = [*IpLoanSerializer.Meta.fields, "document_requests", "documents", "schedule", "repayments",
                  "actions"]
        read_only_fields = fields

    @extend_schema_field(IpLoanDocumentSerializer(many=True))
    def get_documents(self, application):
        return IpLoanDocumentSerializer(application.documents.select_related("uploaded_by"), many=True,
                                        context=self.context).data

    @extend_schema_field(IpLoanInstalmentSerializer(many=True))
    def get_schedule(self, application):
        return IpLoanInstalmentSerializer(ip_loan_schedule(application), many=True).data


# --- What the actions are sent -----------------------------------------------------------------------------------


class IpLoanApplySerializer(serializers.Serializer):
    bank = serializers.IntegerField(help_text=_("The enterprise id of one of the brain's banks (see banks/)."))
    amount = serializers.DecimalField(**AMOUNT_IN, help_text=_("Yuan, to the fen; at least 1000.00."))
    term_months = serializers.IntegerField(min_value=1, max_value=MAX_TERM_MONTHS)
    purpose = serializers.CharField(max_length=500)
    patents = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1, max_length=20,
                                    help_text=_("Patent numbers your enterprise file lists (see patents/)."))


class IpLoanDocumentsRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1, max_length=20,
                                  help_text=_("What the bank needs, one document per item."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IpLoanDocumentsUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10,
                                  help_text=_("PDF, JPEG or PNG, at most 10 MB each; checked by content."))
    item = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 help_text=_("Which of the documents asked for these are."))


class IpLoanNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IpLoanApproveSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**AMOUNT_IN, help_text=_("At most the amount asked for."))
    apr = serializers.DecimalField(max_digits=7, decimal_places=4, help_text=_("% a year, e.g. 3.4500."))
    term_months = serializers.IntegerField(min_value=1, max_value=MAX_TERM_MONTHS)
    repayment_method = serializers.ChoiceField(choices=IpLoanApplication.Method.choices)


class IpLoanReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IpLoanPledgeRegistrationSerializer(serializers.Serializer):
    registration_number = serializers.CharField(max_length=60, help_text=_("质押登记号 from the national IP "
                                                                           "administration."))
    registered_on = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text=_("Today if left out."))


class IpLoanDisburseSerializer(serializers.Serializer):
    disbursed_on = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text=_("Today if left out; the schedule runs from it."))


class IpLoanRepaymentRecordSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**AMOUNT_IN, help_text=_("Received, in yuan; pays the instalments in order."))
    paid_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if left out."))
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PatentChoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    granted_on = serializers.CharField()
    source = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True)
    pledged_by = serializers.CharField(help_text=_("The application of this brain that pledges it now, if any."))


class IpLoanTotalsRowSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IpLoanApplication.Status.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    amount = money()
    approved = money()


class IpLoanTotalsSerializer(serializers.Serializer):
    by_status = IpLoanTotalsRowSerializer(many=True)
