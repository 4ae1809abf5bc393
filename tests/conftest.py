# The capacity and supply-chain fixtures, for cross-app tests (cross-brain suites, browser journeys).
from capacity.tests.conftest import (  # noqa: F401
    accepted, awarded, open_rfq, parts, profiled, project, shop_a, shop_b,
)
from supplychain.tests.conftest import dongfang, lio, pete, songmen, steel, steel_buy  # noqa: F401
