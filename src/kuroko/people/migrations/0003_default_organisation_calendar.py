"""The default organisation calendar, equal to the one projects were scheduled with before calendars
were editable: Monday–Friday from 09:00 with a lunch hour after three hours, `hours_per_day` hours a day
(09:00–12:00 and 13:00–18:00 for 8 hours), and the public holidays of the organisation's country."""

from decimal import Decimal

from django.db import migrations


def _day(hours_per_day):
    minutes = int(Decimal(hours_per_day) * 60)
    morning = min(minutes, 180)
    day = [[540, 540 + morning]]
    if minutes > morning:
        afternoon = 540 + morning + 60
        day.append([afternoon, min(afternoon + minutes - morning, 1440)])
    return day


def create_default(apps, schema_editor):
    WorkCalendar = apps.get_model("people", "WorkCalendar")
    Organisation = apps.get_model("core", "Organisation")
    if WorkCalendar.objects.filter(is_default=True).exists():
        return
    org = Organisation.objects.order_by("pk").first()
    hours_per_day = org.hours_per_day if org is not None else Decimal("8")
    country = org.holiday_country if org is not None else "JP"
    day = _day(hours_per_day)
    WorkCalendar.objects.create(
        name="Organisation calendar",
        kind="organisation",
        week=[[list(i) for i in day] for _ in range(5)] + [[], []],
        holiday_country=country,
        is_default=True,
    )


def remove_default(apps, schema_editor):
    apps.get_model("people", "WorkCalendar").objects.filter(is_default=True, derived__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("people", "0002_work_calendars"),
    ]

    operations = [migrations.RunPython(create_default, remove_default)]
