# The capacity fixtures, for cross-app tests (cross-brain suites, browser journeys).
from capacity.tests.conftest import (  # noqa: F401
    accepted, awarded, open_rfq, parts, profiled, project, shop_a, shop_b,
)
