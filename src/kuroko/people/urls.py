from django.urls import path

from kuroko.people import views

urlpatterns = [
    path("people/", views.directory, name="people"),
]
