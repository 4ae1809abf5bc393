from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Registered in capacity/api/views.py's viewsets; every basename needs a case in tests/test_cross_brain.py.
