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
