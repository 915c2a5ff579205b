from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "kuroko.reporting"
    label = "reporting"
    verbose_name = _("Reports, meetings and dashboards")

    def ready(self) -> None:
        # Each part registers its periodic jobs, project feed sources and the audit's status source here
        # (see kuroko.reporting.hooks).
        from kuroko.reporting import hooks

        hooks.connect()
