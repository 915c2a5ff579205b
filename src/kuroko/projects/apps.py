from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kuroko.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from kuroko.core.events import calendar_changed
        from kuroko.core.scheduler import register_periodic
        from kuroko.projects.services.schedule import on_calendar_changed
        from kuroko.projects.tasks import overdue_tasks_in_background

        # A changed working calendar moves the dates of the projects that use it.
        calendar_changed.connect(on_calendar_changed, dispatch_uid="projects-reschedule-on-calendar")
        register_periodic("projects.overdue", overdue_tasks_in_background, at=time(6, 0))
