from django.urls import URLPattern, URLResolver, path

from kuroko.raid.views import simulation

urlpatterns: list[URLPattern | URLResolver] = [
    # Schedule risk analysis (Monte Carlo)
    path("projects/<str:code>/simulation/", simulation.project_simulation, name="project-simulation"),
    path("projects/<str:code>/simulation/run/", simulation.simulation_run, name="simulation-run"),
    path(
        "projects/<str:code>/simulation/estimates/",
        simulation.simulation_estimates,
        name="simulation-estimates",
    ),
    path(
        "projects/<str:code>/simulation/estimates/bulk/",
        simulation.simulation_estimates_bulk,
        name="simulation-estimates-bulk",
    ),
    path(
        "projects/<str:code>/simulation/estimates/<int:task_id>/",
        simulation.simulation_estimate_row,
        name="simulation-estimate-row",
    ),
    path(
        "projects/<str:code>/simulation/correlations/",
        simulation.simulation_correlations,
        name="simulation-correlations",
    ),
    path(
        "simulation/correlations/<int:pk>/",
        simulation.simulation_correlation_edit,
        name="simulation-correlation-edit",
    ),
    path(
        "simulation/correlations/<int:pk>/delete/",
        simulation.simulation_correlation_delete,
        name="simulation-correlation-delete",
    ),
    path("simulation/compare/", simulation.simulation_compare, name="simulation-compare"),
    path("simulation/<int:pk>/", simulation.simulation_detail, name="simulation-detail"),
    path("simulation/<int:pk>/delete/", simulation.simulation_delete, name="simulation-delete"),
    path(
        "projects/<str:code>/forecast-card/", simulation.project_forecast_card, name="project-forecast-card"
    ),
    path("portfolio/forecasts/", simulation.portfolio_forecasts, name="portfolio-forecasts"),
]
