"""Projects, parts, their routings and drawings, and BOM imports over the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity.models import Drawing, Operation, Part, Project
from capacity.selectors.projects import project_list


@extend_schema_field(OpenApiTypes.INT)
class OwnProjectField(serializers.PrimaryKeyRelatedField):
    """One of the caller's own projects: another's is "does not exist", like one that does not."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or getattr(request, "brain", None) is None:  # schema generation
            return Project.objects.none()
        return project_list(brain=request.brain, viewer=request.brain_access)


class ProjectSerializer(serializers.ModelSerializer):
    part_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "customer", "due_date", "status", "part_count", "created_at"]
        read_only_fields = ["id", "status", "part_count", "created_at"]
        validators = []  # code uniqueness per buyer is the service's rule (and answer)


class BomFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A .csv (UTF-8 or GBK) or .xlsx BOM, header row first."))


class BomRowSerializer(serializers.Serializer):
    """One part of an ERP's BOM. A field left out keeps the stored value; null or "" clears it."""

    part_no = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    parent_no = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                      help_text=_("The assembly's part number; empty for a top-level part."))
    material = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    length_mm = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    width_mm = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    height_mm = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, required=False, allow_null=True)
    processes = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True,
                                      help_text=_("Process codes or names of the brain's catalogue, in order."))
    hardness = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    tolerance_mm = serializers.DecimalField(max_digits=6, decimal_places=4, required=False, allow_null=True)
    surface_ra = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True)
    standard_part = serializers.BooleanField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    remarks = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class BomRowsSerializer(serializers.Serializer):
    """The schema of the request; the rows are checked by the BOM rules (capacity.bom), every one reported."""

    rows = BomRowSerializer(many=True, help_text=_("1 to 20,000 parts, upserted by part number."))


class BomRowsShapeSerializer(serializers.Serializer):
    rows = serializers.ListField(min_length=1, max_length=20_000)

    def validate_rows(self, rows):
        # One flat message (fields.rows is a list of strings, as in every error), not DRF's error per index.
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise serializers.ValidationError(_("Row %(row)s is not an object of fields.") % {"row": index})
        return rows


class BomImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("Row number in the file (the header is row 1), or the row's index "
                                               "from 0 in bom-rows."))
    column = serializers.CharField()
    reason = serializers.CharField()


class InvalidRowsSerializer(serializers.Serializer):
    """400 of import-bom: the usual error body, plus every bad row when rows are bad."""

    code = serializers.CharField(help_text="invalid_rows")
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    rows = RowErrorSerializer(many=True, required=False,
                              help_text="Every bad row, when the code is invalid_rows (absent for other 400s).")


class OperationSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)
    process_name = serializers.CharField(source="process.name", read_only=True)

    class Meta:
        model = Operation
        fields = ["id", "sequence", "process", "process_name", "estimated_hours"]
        read_only_fields = fields


PART_SPEC_FIELDS = ["material", "length_mm", "width_mm", "height_mm", "weight_kg", "hardness", "tolerance_mm",
                    "surface_ra", "standard_part", "due_date", "remarks"]


class PartSerializer(serializers.ModelSerializer):
    """A part with its routing. Writes go through capacity.services.projects.part_save."""

    project = OwnProjectField(help_text=_("One of your projects (set on create)."))
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    parent_no = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                      help_text=_("Part number of the parent assembly; blank for a top part."))
    processes = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, write_only=True,
        help_text=_("The routing as process codes (or Chinese names), in order; replaces the stored one."),
    )
    routing = OperationSerializer(source="operations", many=True, read_only=True)

    class Meta:
        model = Part
        fields = ["id", "project", "part_no", "name", "parent", "parent_no", "quantity", *PART_SPEC_FIELDS,
                  "processes", "routing"]
        validators = []  # part numbers are upserted per project by the service

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["parent_no"] = instance.parent.part_no if instance.parent_id else ""
        return data

    def validate(self, attrs):
        if self.instance is not None:
            if "project" in attrs and attrs["project"].pk != self.instance.project_id:
                raise serializers.ValidationError({"project": _("A part cannot move to another project.")})
            if "part_no" in attrs and attrs["part_no"] != self.instance.part_no:
                raise serializers.ValidationError({"part_no": _("The part number cannot change.")})
        return attrs


class DrawingSerializer(serializers.ModelSerializer):
    part_no = serializers.CharField(source="part.part_no", read_only=True)

    class Meta:
        model = Drawing
        fields = ["id", "part", "part_no", "version", "original_name", "content_type", "size", "sha256",
                  "uploaded_at"]
        read_only_fields = fields


class DrawingFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, PNG, JPEG, DWG, DXF or STEP; checked by content."))
