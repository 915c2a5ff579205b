from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kuroko.core.models import ApiToken, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "language",
        "is_active",
        "is_staff",
    )
    list_filter = ("role", "language", "is_active", "is_staff", "is_superuser")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Kuroko"), {"fields": ("role", "language")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Kuroko"), {"fields": ("role",)}))


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "currency",
        "fiscal_year_start_month",
        "hours_per_day",
        "hours_per_month",
        "holiday_country",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not Organisation.objects.exists()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username")
    readonly_fields = ("key_prefix", "created_at", "last_used_at")
