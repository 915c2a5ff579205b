"""The REST API at /api/v1: one NinjaAPI composed of each app's router."""

from ninja import NinjaAPI

from kuroko import __version__
from kuroko.core.api import AUTH, install_error_handlers
from kuroko.people.api import router as people_router
from kuroko.projects.api import router as projects_router
from kuroko.projects.api_leveling import router as leveling_router
from kuroko.projects.api_load import router as load_router
from kuroko.projects.api_resources import router as resources_router
from kuroko.projects.api_schedule import router as schedule_router

api = NinjaAPI(
    title="Kuroko API",
    version=__version__,
    description=(
        "Projects, programs, WBS tasks, dependencies, people and teams. Authenticate with a personal API "
        "token (`Authorization: Bearer kuroko_…`, created on your profile page) or the browser session. "
        "Updates carry the `version` you read; a stale version is refused with 409 and what changed."
    ),
    auth=AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
# Before the projects router: its /projects/{code} would otherwise take /projects/from-template.
api.add_router("", "kuroko.governance.api_templates.router")
api.add_router("", projects_router)
api.add_router("", schedule_router)
api.add_router("", resources_router)
api.add_router("", load_router)
api.add_router("", people_router)
api.add_router("", leveling_router)
api.add_router("", "kuroko.tracking.api.router")
api.add_router("", "kuroko.tracking.api_attendance.router")
api.add_router("", "kuroko.tracking.api_timesheets.router")
api.add_router("", "kuroko.tracking.api_evm.router")
api.add_router("", "kuroko.projects.api_staffing.router")
api.add_router("", "kuroko.raid.api_risks.router")
api.add_router("", "kuroko.raid.api_registers.router")
api.add_router("", "kuroko.core.api_notifications.router")
api.add_router("", "kuroko.raid.api_simulation.router")
api.add_router("", "kuroko.raid.api_registers_excel.router")
api.add_router("", "kuroko.projects.api_tracker.router")
api.add_router("", "kuroko.raid.api_tracker.router")
api.add_router("", "kuroko.projects.api_feeds.router")
api.add_router("", "kuroko.projects.api_files.router")
api.add_router("", "kuroko.projects.api_excel.router")
api.add_router("", "kuroko.governance.api_gates.router")
api.add_router("", "kuroko.governance.api_dcma.router")
api.add_router("", "kuroko.governance.api_audits.router")
api.add_router("", "kuroko.governance.api_quality.router")
api.add_router("", "kuroko.reporting.api_status.router")
api.add_router("", "kuroko.reporting.api_exports.router")
api.add_router("", "kuroko.reporting.api_meetings.router")
