from django.urls import URLPattern, path

from kuroko.governance.views import quality as views

urlpatterns: list[URLPattern] = [
    path("projects/<str:code>/quality/", views.project_quality, name="project-quality"),
    path(
        "projects/<str:code>/quality/records/<int:phase>/",
        views.project_quality_record,
        name="project-quality-record",
    ),
    path("projects/<str:code>/defects/", views.project_defects, name="project-defects"),
    path("projects/<str:code>/defects/export/", views.project_defects_export, name="project-defects-export"),
    path("defects/<int:pk>/", views.defect_detail, name="defect-detail"),
    path("defects/<int:pk>/row/", views.defect_row, name="defect-row"),
    path("governance/quality-indicators/", views.quality_indicators, name="quality-indicators"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson-detail"),
]
