from django.urls import include, path

# Each part of the reporting app keeps its routes in its own module.
urlpatterns = [
    path("", include("kuroko.reporting.urls_status")),
    path("", include("kuroko.reporting.urls_exports")),
    path("", include("kuroko.reporting.urls_meetings")),
    path("", include("kuroko.reporting.urls_dashboard")),
]
