"""Domain errors raised by services; the API and web layers turn them into clear messages."""


class DomainError(Exception):
    """A rule of the domain refused the request. `code` is stable; `field` names the input at fault."""

    status = 400

    def __init__(self, detail, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(detail))
        self.detail, self.code, self.field = str(detail), code, field


class NotAllowed(DomainError):
    status = 403

    def __init__(self, detail, *, code: str = "permission_denied", field: str | None = None):
        super().__init__(detail, code=code, field=field)


def form_error(form, error: DomainError) -> None:
    """Show a service's refusal on the form: by the input it names, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.detail)
