from django.urls import URLPattern, URLResolver, path

from kuroko.raid.views import risks

urlpatterns: list[URLPattern | URLResolver] = [
    # Risks: the project's register (inline edit, heat map), one risk, the matrix, the portfolio, Excel.
    path("projects/<str:code>/risks/", risks.project_risks, name="project-risks"),
    path("projects/<str:code>/risks/add/", risks.risk_create, name="risk-create"),
    path("projects/<str:code>/risks/export/", risks.project_risks_export, name="project-risks-export"),
    path("projects/<str:code>/risks/import/", risks.project_risks_import, name="project-risks-import"),
    path("risks/<int:pk>/", risks.risk_detail, name="risk-detail"),
    path("risks/<int:pk>/row/", risks.risk_row, name="risk-row"),
    path("risks/<int:pk>/row/edit/", risks.risk_row_edit, name="risk-row-edit"),
    path("risks/<int:pk>/review/", risks.risk_review, name="risk-review"),
    path("risks/<int:pk>/delete/", risks.risk_delete, name="risk-delete"),
    path("raid/matrix/", risks.risk_matrix, name="risk-matrix"),
    path("raid/risks/", risks.portfolio_risks, name="portfolio-risks"),
]
