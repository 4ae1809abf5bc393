from capacity.tests.conftest import shop_a, shop_b  # noqa: F401
from finance.tests.claims import steel, taizhou, taolong  # noqa: F401
