from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kuroko.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from kuroko.core.events import calendar_changed
        from kuroko.projects.services.schedule import on_calendar_changed

        # A changed working calendar moves the dates of the projects that use it.
        calendar_changed.connect(on_calendar_changed, dispatch_uid="projects-reschedule-on-calendar")
