from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "kuroko.tracking"
    label = "tracking"
    verbose_name = _("Cost and tracking")

    def ready(self) -> None:
        from kuroko.core.events import rate_cards_changed
        from kuroko.core.scheduler import register_periodic
        from kuroko.tracking.services.timesheets import on_rate_cards_changed
        from kuroko.tracking.tasks import evm_snapshots_in_background

        # A changed rate card changes the labour cost of the time entries it prices.
        rate_cards_changed.connect(on_rate_cards_changed, dispatch_uid="tracking-entry-costs")
        register_periodic("tracking.evm_snapshots", evm_snapshots_in_background, at=time(1, 30))
