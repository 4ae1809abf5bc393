from dataproducts.tests.revisions.conftest import deals, makers, march, product  # noqa: F401 (fixtures)
