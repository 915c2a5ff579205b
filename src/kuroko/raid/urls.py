from django.urls import URLPattern, URLResolver, path

from kuroko.raid.views import actions, changes, decisions, escalation, issues

urlpatterns: list[URLPattern | URLResolver] = [
    # Issues, action items, decisions and change requests (raid/views/{issues,actions,decisions,changes}.py)
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
]
