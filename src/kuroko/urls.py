from django.contrib import admin
from django.urls import include, path

from kuroko.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("kuroko.core.urls")),
    path("", include("kuroko.reporting.urls")),
    path("", include("kuroko.people.urls")),
    path("", include("kuroko.tracking.urls")),
    path("", include("kuroko.governance.urls")),
    path("", include("kuroko.raid.urls")),
    path("", include("kuroko.projects.urls")),
]
