from django.contrib.auth.backends import ModelBackend

from tenants.models import User


class UsernameOrMobileBackend(ModelBackend):
    """Log in with a username or an 11-digit mobile number, and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        field = "mobile" if username.isdigit() and len(username) == 11 else "username"
        user = User.objects.filter(**{field: username}).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not tell
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
