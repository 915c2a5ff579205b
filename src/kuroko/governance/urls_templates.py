from django.urls import URLPattern, URLResolver, path

from kuroko.governance.views import templates as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("governance/project-types/", views.project_types, name="project-types"),
    path("governance/templates/", views.templates_list, name="templates"),
    path("governance/templates/new/", views.template_create, name="template-create"),
    path("governance/templates/<str:code>/", views.template_detail, name="template-detail"),
    path("governance/templates/<str:code>/draft/", views.template_draft, name="template-draft"),
    path("governance/templates/<str:code>/publish/", views.template_publish, name="template-publish"),
    path("governance/templates/<str:code>/v<int:number>/", views.template_version, name="template-version"),
    path(
        "governance/templates/<str:code>/v<int:number>/retire/", views.template_retire, name="template-retire"
    ),
    path(
        "projects/new/from-template/", views.project_create_from_template, name="project-create-from-template"
    ),
    path(
        "projects/<str:code>/save-as-template/",
        views.project_save_as_template,
        name="project-save-as-template",
    ),
    path("projects/<str:code>/template/", views.project_template, name="project-template"),
]
