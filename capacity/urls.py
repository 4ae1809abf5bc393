from django.urls import path

from capacity import views

app_name = "capacity"
urlpatterns = []
