"""The brain's board settings over the API (`board-settings/`, one per brain: members read it, operators
replace it); the project board itself is an action of the project endpoint."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from capacity.api.serializers.board import BoardSettingsSerializer
from capacity.models import BoardSettings
from capacity.services import board as board_service
from tenants.api.base import BrainScopedViewSet


class BoardSettingsViewSet(BrainScopedViewSet):
    """The brain's project-board rules: after how many days without a progress report a part in production is
    at risk (and its supplier reminded). Every member reads them; operators change them."""

    singleton = True
    queryset = BoardSettings.objects.all()
    serializer_class = BoardSettingsSerializer
    pagination_class = None

    @extend_schema(responses=BoardSettingsSerializer, operation_id="v1_brains_board_settings_retrieve")
    def retrieve(self, request, brain_slug=None):
        """The settings (the defaults until an operator saves them: updated_at is then null)."""
        return Response(BoardSettingsSerializer(board_service.board_settings_of(request.brain)).data)

    @extend_schema(request=BoardSettingsSerializer, responses=BoardSettingsSerializer,
                   operation_id="v1_brains_board_settings_update")
    def update(self, request, brain_slug=None):
        """Operators of the brain only (403 for anyone else)."""
        serializer = BoardSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settings = board_service.board_settings_save(brain=request.brain, by=request.user, **serializer.validated_data)
        return Response(BoardSettingsSerializer(settings).data)
