from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.reporting.models import GeneratedReport, Meeting, MeetingSeries, ReportSchedule, StatusReport


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    list_display = ("project", "week", "status", "rag_overall")
    list_filter = ("status", "rag_overall")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "project", "start", "status")
    list_filter = ("kind", "status")


admin.site.register(MeetingSeries)
admin.site.register(ReportSchedule)
admin.site.register(GeneratedReport)
