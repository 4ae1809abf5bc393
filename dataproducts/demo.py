"""Data-product demo of the mould brain: the price index and the on-time product published from its own demo
transactions (cells suppressed where too few enterprises stand behind them, visibly), a pending access request,
a paid subscription with usage, and two components in the capability centre, one app installed. Idempotent."""

BRAIN = "mould"


def load(*, brains: dict, users: dict) -> None:
    brain = brains.get(BRAIN)
    if brain is None:
        return
    products_demo(brain=brain, users=users)
    access_demo(brain=brain, users=users)
    usage_demo(brain=brain, users=users)
    components_demo(brain=brain, users=users)


# --- products and revisions -----------------------------------------------------------------------------
def products_demo(*, brain, users: dict) -> None:
    pass


# --- access requests and subscriptions ------------------------------------------------------------------
def access_demo(*, brain, users: dict) -> None:
    pass


# --- usage and statements -------------------------------------------------------------------------------
def usage_demo(*, brain, users: dict) -> None:
    pass


# --- capability centre ----------------------------------------------------------------------------------
def components_demo(*, brain, users: dict) -> None:
    pass
