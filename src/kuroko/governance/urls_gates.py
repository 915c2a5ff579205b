from django.urls import URLPattern, URLResolver, path

from kuroko.governance.views import gates

urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/<str:code>/gates/", gates.project_gates, name="project-gates"),
    path("projects/<str:code>/gates/card/", gates.project_gate_card, name="project-gate-card"),
    path("projects/<str:code>/phases/add/", gates.phase_create, name="phase-create"),
    path("projects/<str:code>/deliverables/add/", gates.deliverable_create, name="deliverable-create"),
    path("phases/<int:pk>/", gates.phase_part, name="phase-part"),
    path("phases/<int:pk>/edit/", gates.phase_edit, name="phase-edit"),
    path("phases/<int:pk>/move/", gates.phase_move, name="phase-move"),
    path("phases/<int:pk>/delete/", gates.phase_delete, name="phase-delete"),
    path("phases/<int:pk>/criteria/add/", gates.criterion_create, name="criterion-create"),
    path("phases/<int:pk>/review/", gates.gate_review_open, name="gate-review-open"),
    path("gate-criteria/<int:pk>/edit/", gates.criterion_edit, name="criterion-edit"),
    path("gate-criteria/<int:pk>/delete/", gates.criterion_delete, name="criterion-delete"),
    path("deliverables/<int:pk>/edit/", gates.deliverable_edit, name="deliverable-edit"),
    path("deliverables/<int:pk>/status/", gates.deliverable_status, name="deliverable-status"),
    path("deliverables/<int:pk>/delete/", gates.deliverable_delete, name="deliverable-delete"),
    path("gate-reviews/<int:pk>/", gates.gate_review, name="gate-review"),
    path("gate-reviews/<int:pk>/answers/<int:criterion>/", gates.gate_answer, name="gate-answer"),
    path("gate-reviews/<int:pk>/decide/", gates.gate_decide, name="gate-decide"),
    path("gate-reviews/<int:pk>/refresh/", gates.gate_review_refresh, name="gate-review-refresh"),
    path("gate-reviews/<int:pk>/cancel/", gates.gate_review_cancel, name="gate-review-cancel"),
    path("governance/gates/", gates.portfolio_gates, name="portfolio-gates"),
]
