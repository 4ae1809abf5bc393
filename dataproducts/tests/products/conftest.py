from dataproducts.tests.revisions.conftest import product  # noqa: F401 (fixtures)
