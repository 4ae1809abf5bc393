"""The authenticated person (`me`)."""

from rest_framework.generics import RetrieveAPIView

from tenants.api.serializers.accounts import MeSerializer


class MeView(RetrieveAPIView):
    """The authenticated user and their enterprise."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user
