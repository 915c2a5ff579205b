from django.urls import URLPattern, URLResolver, include, path

from kuroko.governance import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("governance/", views.governance_home, name="governance-home"),
    path("portfolio/governance/", views.portfolio_cells, name="portfolio-governance-cells"),
    path("", include("kuroko.governance.urls_templates")),
    path("", include("kuroko.governance.urls_gates")),
    path("", include("kuroko.governance.urls_dcma")),
    path("", include("kuroko.governance.urls_audits")),
    path("", include("kuroko.governance.urls_quality")),
]
