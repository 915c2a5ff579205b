from django.urls import URLPattern, URLResolver, path

from kuroko.raid.views import actions, changes, decisions, escalation, issues, risks, simulation

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
    # Issues, action items, decisions and change requests (raid/views/).
    path("projects/<str:code>/issues/", issues.project_issues, name="project-issues"),
    path("projects/<str:code>/issues/new/", issues.issue_create, name="issue-create"),
    path("issues/<int:pk>/", issues.issue_detail, name="issue-detail"),
    path("issues/<int:pk>/row/", issues.issue_row, name="issue-row"),
    path("issues/<int:pk>/escalate/", issues.issue_escalate, name="issue-escalate"),
    path("issues/<int:pk>/delete/", issues.issue_delete, name="issue-delete"),
    path("issues/<int:pk>/history/", issues.issue_history, name="issue-history"),
    path("risks/<int:pk>/raise-issue/", issues.risk_raise_issue, name="risk-raise-issue"),
    path("raid/issues/", issues.portfolio_issues, name="portfolio-issues"),
    path("projects/<str:code>/actions/", actions.project_actions, name="project-actions"),
    path("projects/<str:code>/actions/new/", actions.action_create, name="action-create"),
    path("actions/<int:pk>/", actions.action_detail, name="action-detail"),
    path("actions/<int:pk>/row/", actions.action_row, name="action-row"),
    path("actions/<int:pk>/delete/", actions.action_delete, name="action-delete"),
    path("actions/<int:pk>/history/", actions.action_history, name="action-history"),
    path("raid/actions/", actions.portfolio_actions, name="portfolio-actions"),
    path("projects/<str:code>/decisions/", decisions.project_decisions, name="project-decisions"),
    path("projects/<str:code>/decisions/new/", decisions.decision_create, name="decision-create"),
    path("decisions/<int:pk>/", decisions.decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/delete/", decisions.decision_delete, name="decision-delete"),
    path("decisions/<int:pk>/history/", decisions.decision_history, name="decision-history"),
    path("projects/<str:code>/changes/", changes.project_changes, name="project-changes"),
    path("projects/<str:code>/changes/new/", changes.change_create, name="change-create"),
    path("changes/<int:pk>/", changes.change_detail, name="change-detail"),
    path("changes/<int:pk>/delete/", changes.change_delete, name="change-delete"),
    path("changes/<int:pk>/history/", changes.change_history, name="change-history"),
    path(
        "changes/<int:pk>/<str:action>/",
        changes.change_action,
        name="change-action",
    ),
    path("raid/escalation/", escalation.escalation_rules, name="escalation-rules"),
    path("raid/escalation/<int:pk>/", escalation.escalation_rule_edit, name="escalation-rule-edit"),
    path("raid/escalation/check/", escalation.escalation_check, name="escalation-check"),
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
