from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaidConfig(AppConfig):
    name = "kuroko.raid"
    label = "raid"
    verbose_name = _("Risks, issues and decisions")
