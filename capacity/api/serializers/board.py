"""The project board and the brain's board settings over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from capacity.models import BoardSettings, ProgressReport, WorkOrder
from capacity.selectors.board import REASONS, Risk
from capacity.services import board as board_service


class BoardQuerySerializer(serializers.Serializer):
    supplier = serializers.IntegerField(min_value=1, required=False,
                                        help_text=_("Only parts with a live work-order line of this supplier "
                                                    "(enterprise id)."))
    status = serializers.ChoiceField(choices=Risk.choices, required=False, help_text=_("Only parts of this risk class."))
    process = serializers.IntegerField(min_value=1, required=False,
                                       help_text=_("Only parts whose routing has this process (process id)."))


class BoardProcess(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class BoardOperation(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    process = BoardProcess()


class BoardSupplier(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    def to_representation(self, instance):
        pk, name = instance
        return {"id": pk, "name": name}


class BoardPart(serializers.Serializer):
    id = serializers.IntegerField()
    part_no = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class BoardLineSerializer(serializers.Serializer):
    """One live work-order line of the part."""

    line = serializers.IntegerField(source="line.pk")
    work_order = serializers.IntegerField(source="line.work_order_id")
    work_order_status = serializers.ChoiceField(source="line.work_order.status", choices=WorkOrder.Status.choices)
    supplier = serializers.IntegerField(source="line.work_order.supplier_id")
    operation = serializers.IntegerField(source="line.operation_id", allow_null=True,
                                         help_text=_("null: the whole part (its routing)"))
    quantity = serializers.IntegerField(source="line.quantity")
    due_date = serializers.DateField(allow_null=True, help_text=_("the line's, else the part's, else the project's"))
    planned_completion = serializers.DateField(source="line.planned_completion", allow_null=True)
    progress_status = serializers.ChoiceField(source="line.progress_status", choices=ProgressReport.Status.choices)
    percent = serializers.IntegerField(help_text=_("100 once every piece is accepted"))
    current_operation = serializers.IntegerField(source="current_operation.pk", allow_null=True, default=None)
    last_reported_at = serializers.DateTimeField(source="line.last_reported_at", allow_null=True)
    delivered_quantity = serializers.IntegerField(source="line.delivered_quantity")
    accepted_quantity = serializers.IntegerField(source="line.accepted_quantity")
    complete = serializers.BooleanField()
    risk = serializers.ChoiceField(choices=Risk.choices)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=sorted(REASONS)))
    started_on = serializers.DateField()


class BoardRowSerializer(serializers.Serializer):
    part = BoardPart()
    current_operation = BoardOperation(allow_null=True)
    suppliers = BoardSupplier(many=True)
    progress_status = serializers.ChoiceField(choices=ProgressReport.Status.choices)
    percent = serializers.IntegerField(help_text=_("the lines' percents weighted by the operations each covers"))
    planned_completion = serializers.DateField(allow_null=True, help_text=_("the latest of its unfinished lines'"))
    due_date = serializers.DateField(allow_null=True, help_text=_("the earliest of its unfinished lines'"))
    last_reported_at = serializers.DateTimeField(allow_null=True)
    started_on = serializers.DateField(allow_null=True, help_text=_("accepted by the supplier, else awarded"))
    quantity = serializers.IntegerField()
    accepted_quantity = serializers.IntegerField()
    complete = serializers.BooleanField(help_text=_("every line's pieces accepted"))
    risk = serializers.ChoiceField(choices=Risk.choices)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=sorted(REASONS)),
                                    help_text=_("why it has its risk class"))
    blocked_reason = serializers.CharField(help_text=_("what the supplier said blocks it"))
    lines = BoardLineSerializer(many=True)


class BoardFilters(serializers.Serializer):
    supplier = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Risk.choices, allow_null=True)
    process = serializers.IntegerField(allow_null=True)


class BoardCounts(serializers.Serializer):
    late = serializers.IntegerField()
    blocked = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    not_awarded = serializers.IntegerField()
    on_track = serializers.IntegerField()
    done = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    today = serializers.DateField()
    stale_after_days = serializers.IntegerField()
    overall_percent = serializers.DecimalField(max_digits=4, decimal_places=1,
                                               help_text=_("every row's percent weighted by its pieces × operations"))
    total = serializers.IntegerField(help_text=_("rows before filtering"))
    counts = BoardCounts(help_text=_("rows per risk class, before filtering"))
    filters = BoardFilters()
    suppliers = BoardSupplier(many=True, help_text=_("suppliers of the project's live lines (for the filter)"))
    processes = BoardProcess(many=True, help_text=_("processes of the project's routings (for the filter)"))
    rows = BoardRowSerializer(many=True, help_text=_("late, blocked, at risk first; then by due date"))


class BoardSettingsSerializer(serializers.ModelSerializer):
    stale_after_days = serializers.IntegerField(min_value=1, max_value=board_service.MAX_STALE_AFTER_DAYS)
    # null while the brain still has the defaults (nobody saved its settings yet)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = BoardSettings
        fields = ["stale_after_days", "updated_at"]
        read_only_fields = ["updated_at"]
