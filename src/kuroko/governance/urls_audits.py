from django.urls import URLPattern, URLResolver, path

from kuroko.governance.views import audits

urlpatterns: list[URLPattern | URLResolver] = [
    path("governance/findings/", audits.findings, name="findings"),
    path("governance/findings.xlsx", audits.findings_export, name="findings-export"),
    path("governance/findings/run/", audits.audit_run_all, name="audit-run"),
    path("governance/rules/", audits.audit_rules, name="audit-rules"),
    path("findings/<int:pk>/", audits.finding_detail, name="finding-detail"),
    path("projects/<str:code>/findings/", audits.project_findings, name="project-findings"),
    path("projects/<str:code>/findings/run/", audits.project_audit_run, name="project-audit-run"),
    path("projects/<str:code>/health/card/", audits.project_health_card, name="project-health-card"),
]
