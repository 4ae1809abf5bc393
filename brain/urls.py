from django.urls import path

from brain import views

urlpatterns = [
    path("", views.BrainHomeView.as_view(), name="brain-home"),
]
