from django.urls import URLPattern, URLResolver, path

from kuroko.reporting.views import meetings as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/series/new/", views.series_new, name="meeting-series-new"),
    path("meetings/series/<int:pk>/edit/", views.series_edit, name="meeting-series-edit"),
    path("meetings/series/<int:pk>/delete/", views.series_delete, name="meeting-series-delete"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/agenda/build/", views.agenda_build, name="meeting-agenda-build"),
    path("meetings/<int:pk>/agenda/add/", views.agenda_add, name="meeting-agenda-add"),
    path("meetings/agenda/<int:pk>/", views.agenda_item, name="meeting-agenda-item"),
    path("meetings/agenda/<int:pk>/decision/", views.decision_add, name="meeting-decision-add"),
    path("meetings/agenda/<int:pk>/action/", views.action_add, name="meeting-action-add"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/distribute/", views.meeting_distribute, name="meeting-distribute"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("meetings/<int:pk>/invitation.ics", views.meeting_ics, name="meeting-ics"),
    path("projects/<str:code>/meetings/", views.project_meetings, name="project-meetings"),
]
