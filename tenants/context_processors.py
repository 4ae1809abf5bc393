from django.utils.functional import SimpleLazyObject

from tenants.selectors.brains import brains_for_user


def brain(request):
    """The brain, the user's access in it and the brains to switch to, for the layout."""
    user = getattr(request, "user", None)
    return {
        "current_brain": getattr(request, "brain", None),
        "access": getattr(request, "brain_access", None),
        "user_brains": SimpleLazyObject(lambda: list(brains_for_user(user=user)))
        if user is not None and user.is_authenticated else [],
    }
