from django.urls import URLPattern, URLResolver, path

from kuroko.reporting.views import dashboard

urlpatterns: list[URLPattern | URLResolver] = [
    path("home/", dashboard.dashboard, name="dashboard"),
]
