from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.people.models import CalendarException, Person, Team, WorkCalendar


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent")
    list_filter = ("parent",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = (
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "email",
        "team",
        "employment_type",
        "is_active",
        "user",
    )
    list_filter = ("employment_type", "is_active", "team")
    search_fields = ("family_name", "given_name", "family_name_kana", "given_name_kana", "email")
    autocomplete_fields = ("team", "user")
    list_select_related = ("team", "user")


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0
    fields = ("name", "start", "finish", "intervals", "recurrence_kind", "recurrence_interval")


@admin.register(WorkCalendar)
class WorkCalendarAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "base", "holiday_country", "is_default")
    list_filter = ("kind", "is_default")
    search_fields = ("name",)
    inlines = [CalendarExceptionInline]
