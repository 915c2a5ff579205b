from django.urls import path

from kuroko.people import views

urlpatterns = [
    path("people/", views.directory, name="people"),
    path("people/<int:pk>/calendar/", views.person_calendar_create, name="person-calendar-create"),
    path("people/<int:pk>/rates/add/", views.person_rate_add, name="person-rate-add"),
    path("calendars/", views.calendar_list, name="calendars"),
    path("calendars/<int:pk>/", views.calendar_detail, name="calendar-detail"),
    path("calendars/<int:pk>/year/", views.calendar_year, name="calendar-year"),
    path("calendars/<int:pk>/edit/", views.calendar_edit, name="calendar-edit"),
    path("calendars/<int:pk>/delete/", views.calendar_delete, name="calendar-delete"),
    path("calendars/<int:pk>/history/", views.calendar_history, name="calendar-history"),
    path("calendars/<int:pk>/exceptions/add/", views.calendar_exception_add, name="calendar-exception-add"),
    path(
        "calendars/<int:pk>/exceptions/<int:exception_pk>/edit/",
        views.calendar_exception_edit,
        name="calendar-exception-edit",
    ),
    path(
        "calendars/<int:pk>/exceptions/<int:exception_pk>/delete/",
        views.calendar_exception_delete,
        name="calendar-exception-delete",
    ),
]
