# The capacity fixtures, for cross-app tests (cross-brain suites, browser journeys).
from capacity.tests.conftest import parts, profiled, project, shop_a, shop_b  # noqa: F401
