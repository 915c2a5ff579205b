from django.urls import URLPattern, URLResolver, path

from kuroko.governance.views import dcma

urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/<str:code>/dcma/", dcma.project_dcma, name="project-dcma"),
    path("projects/<str:code>/dcma.xlsx", dcma.project_dcma_export, name="project-dcma-export"),
]
