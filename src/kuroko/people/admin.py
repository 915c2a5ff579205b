from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.people.models import (
    Availability,
    CalendarException,
    Person,
    PersonSkill,
    RateCard,
    RateRole,
    Skill,
    SkillCategory,
    Team,
    WorkCalendar,
)


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


@admin.register(SkillCategory)
class SkillCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Skill)
class SkillAdmin(SimpleHistoryAdmin):
    list_display = ("name", "category")
    list_filter = ("category",)
    search_fields = ("name",)


@admin.register(PersonSkill)
class PersonSkillAdmin(SimpleHistoryAdmin):
    list_display = ("person", "skill", "level", "certification", "expires")
    list_filter = ("level", "skill__category")
    search_fields = ("person__family_name", "skill__name")
    autocomplete_fields = ("person",)


@admin.register(Availability)
class AvailabilityAdmin(SimpleHistoryAdmin):
    list_display = ("person", "start", "finish", "percent", "note")
    search_fields = ("person__family_name",)
    autocomplete_fields = ("person",)


class RateCardInline(admin.TabularInline):
    model = RateCard
    fk_name = "role"
    extra = 0
    fields = ("effective_from", "cost_rate", "bill_rate", "note")


@admin.register(RateRole)
class RateRoleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = (RateCardInline,)


@admin.register(RateCard)
class RateCardAdmin(SimpleHistoryAdmin):
    list_display = ("person", "role", "effective_from", "cost_rate", "bill_rate")
    list_filter = ("role",)
    search_fields = ("person__family_name", "person__given_name", "role__name")
    autocomplete_fields = ("person", "role")
