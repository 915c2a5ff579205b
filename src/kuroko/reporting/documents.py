"""Report documents (`kuroko.formats.report_doc.Document`) built from status reports and the portfolio
summary, with every text in the reader's language: a project's report for an audience, the portfolio
summary and the executive pack. The renderers in `kuroko.formats` turn them into PDF, Excel or PowerPoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kuroko.formats.report_doc import (
    Block,
    Cell,
    Chart,
    Document,
    KeyValues,
    Link,
    RagValue,
    Section,
    Svg,
    Table,
    Text,
)
from kuroko.reporting.facts import MilestoneFact, ProjectFacts
from kuroko.reporting.levels import quality_label, quality_unit
from kuroko.reporting.models import Audience, Dimension, StatusReport
from kuroko.reporting.rag import reason_text
from kuroko.reporting.selectors.portfolio import PortfolioSummary, portfolio_summary
from kuroko.reporting.weeks import week_label

GANTT_LEVELS = 2  # outline levels of the Gantt in a report
GANTT_ROWS = 60
MONEY = "#,##0"
INDEX = "0.00"
ONE_PLACE = "0.0"


def labels() -> dict[str, str]:
    """The words a renderer writes itself, in the active language."""
    return {
        "page": _("Page {page} of {pages}"),
        "generated": _("Generated {when}"),
        "red": _("Red"),
        "amber": _("Amber"),
        "green": _("Green"),
        "none": _("Not rated"),
        "continued": _("(continued)"),
        "summary_sheet": pgettext("workbook sheet", "Summary"),
    }


def rag_cell(rag: str, suffix: str = "") -> RagValue:
    """A colour cell worded in the active language ("Red ↓")."""
    names = {"red": _("Red"), "amber": _("Amber"), "green": _("Green")}
    text = names.get(rag, "–")
    return RagValue(rag if rag in names else "", f"{text} {suffix}".strip())


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _link(text: str, url: str) -> Cell:
    return Link(text, url) if url else text


def _changes() -> dict[str, str]:
    return {
        "new": _("new"),
        "raised": _("raised"),
        "lowered": _("lowered"),
        "closed": _("closed"),
        "resolved": _("resolved"),
        "escalated": _("escalated"),
    }


def _keys() -> dict[str, dict[str, Any]]:
    """Words for the keys stored in facts (risk levels, issue severities, priorities and states, finding
    severities, gate states and decisions) in the active language, as the status report page shows them."""
    from kuroko.raid.models import IssueStatus
    from kuroko.reporting.selectors.status import fact_labels

    return {**fact_labels(), "issue_status_labels": dict(IssueStatus.choices)}


def _key(labels: dict[str, Any], value: str) -> str:
    return str(labels.get(value, value)) if value else ""


def _states() -> dict[str, str]:
    return {"met": _("met"), "missed": _("missed"), "due": _("due this week"), "upcoming": _("upcoming")}


def _money(value: float | None) -> float | None:
    return None if value is None else round(value)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def _days(value: int | None) -> str:
    return "" if value is None else _("%(days)+d working days") % {"days": value}


def _milestone_rows(items: Iterable[MilestoneFact]) -> tuple[tuple[Cell, ...], ...]:
    states = _states()
    return tuple(
        (m.wbs, m.name, m.baseline_finish, m.finish, _days(m.slip_days), states.get(m.state, m.state))
        for m in items
    )


def _milestone_columns() -> tuple[str, ...]:
    return (_("WBS"), _("Milestone"), _("Baseline finish"), _("Finish"), _("Slip"), _("State"))


# --- a project's report ----------------------------------------------------------------------------


def _colours(report: StatusReport) -> Table:
    rows = []
    for dim in Dimension:
        rag = getattr(report, f"rag_{dim.value}") or ""
        computed = (report.computed or {}).get(dim.value) or {}
        reasons = "\n".join(reason_text(r) for r in computed.get("reasons") or [])
        override = (report.overrides or {}).get(dim.value) or {}
        justification = ""
        if override:
            justification = _("Overridden from %(rag)s: %(why)s") % {
                "rag": rag_cell(computed.get("rag") or "").text,
                "why": override.get("justification") or "",
            }
        rows.append((str(dim.label), rag_cell(rag), "\n".join(t for t in (reasons, justification) if t)))
    return Table((_("Dimension"), _("Colour"), _("Reasons")), tuple(rows))


def _progress(f: ProjectFacts) -> KeyValues:
    items: list[tuple[str, Cell]] = [
        (_("Percent complete"), _percent(f.percent_complete)),
        (_("Planned percent complete"), _percent(f.planned_percent)),
        (_("Start"), f.start),
        (_("Forecast finish"), f.finish),
        (_("Baseline finish"), f.baseline_finish),
        (_("Finish variance"), _days(f.finish_variance_days)),
        ("SPI", None if f.spi is None else round(f.spi, 2)),
        ("CPI", None if f.cpi is None else round(f.cpi, 2)),
        (_("Budget") + f" ({f.currency})", _money(f.budget if f.budget is not None else f.bac)),
        (_("Actual cost") + f" ({f.currency})", _money(f.ac)),
        ("EAC" + f" ({f.currency})", _money(f.eac)),
        ("VAC" + f" ({f.currency})", _money(f.vac)),
    ]
    return KeyValues(tuple((k, v) for k, v in items if v not in (None, "")))


def _charts(report: StatusReport, f: ProjectFacts, user: Any) -> list[Block]:
    """The S-curve (earned value as of the report's status date) and the Gantt, as the reader may see them;
    nothing when the reader may not or the project has no baseline."""
    from kuroko.formats.gantt_svg import render_gantt_svg
    from kuroko.projects.mapping import gantt_chart
    from kuroko.projects.selectors.schedule import gantt_data
    from kuroko.tracking.selectors.evm import project_evm, s_curve_spec

    blocks: list[Block] = []
    evm = project_evm(user, report.project, status_date=f.status_date)
    figures = evm.figures
    if figures is not None and evm.series:
        spec = s_curve_spec(evm)
        blocks.append(Chart(spec, title=_("S-curve"), width=900))
    data = gantt_data(user, report.project, today=f.status_date)
    if data.get("tasks"):
        gantt_labels = {"wbs": _("WBS"), "name": _("Name"), "start": _("Start"), "finish": _("Finish")}
        chart = gantt_chart(data, gantt_labels)
        # A report shows the plan's outline — the top two levels and the milestones — not every task: a
        # page holds about 60 rows, and a 1,000-row picture takes seconds to draw in every format.
        rows = [r for r in chart.rows if r.level <= GANTT_LEVELS or r.kind == "milestone"][:GANTT_ROWS]
        chart = replace(chart, rows=rows, links=() if len(rows) < len(chart.rows) else chart.links)
        blocks.append(Svg(render_gantt_svg(chart, width=1400), title=_("Gantt chart")))
    return blocks


def project_sections(
    report: StatusReport, *, sections: Iterable[str], user: Any = None, with_charts: bool = True
) -> list[Section]:
    """The report's sections (keys of `facts.SECTIONS`) in the active language."""
    f = ProjectFacts.from_dict(report.facts)
    changes, keys = _changes(), _keys()
    out: list[Section] = []
    for key in sections:
        blocks: list[Block] = []
        title = ""
        if key == "summary":
            title = pgettext("report section", "Summary")
            if report.summary:
                blocks.append(Text(report.summary, "lead"))
            blocks.append(_colours(report))
        elif key == "progress":
            title = _("Progress")
            blocks.append(_progress(f))
        elif key == "milestones":
            title = _("Milestones")
            blocks.append(
                Table(
                    _milestone_columns(),
                    _milestone_rows(f.milestones_this_week),
                    caption=_("This week"),
                    empty=_("No milestone this week."),
                )
            )
            blocks.append(
                Table(
                    _milestone_columns(),
                    _milestone_rows(f.milestones_next),
                    caption=_("Next two weeks"),
                    empty=_("No milestone in the next two weeks."),
                )
            )
        elif key == "forecast":
            title = _("Forecast")
            if f.p80_finish is None:
                blocks.append(Text(_("No schedule risk analysis has been run."), "muted"))
            else:
                blocks.append(
                    KeyValues(((_("P80 finish"), f.p80_finish), (_("Analysed"), f.p80_run_at[:16])))
                )
        elif key == "risks":
            title = _("Risks")
            blocks.append(
                Text(_("%(open)s open risks, %(high)s high.") % {"open": f.open_risks, "high": f.high_risks})
            )
            blocks.append(
                Table(
                    (
                        _("Code"),
                        _("Risk"),
                        _("Level"),
                        _("Score"),
                        _("Owner"),
                        _("Response due"),
                        _("Change"),
                    ),
                    tuple(
                        (
                            r.code,
                            r.title,
                            _key(keys["level_labels"], r.level),
                            r.score,
                            r.owner,
                            r.response_due,
                            changes.get(r.change, r.change),
                        )
                        for r in f.risks
                    ),
                    numeric=(3,),
                    number_formats={3: ONE_PLACE},
                    empty=_("No open risk."),
                )
            )
        elif key == "issues":
            title = _("Issues")
            blocks.append(
                Table(
                    (
                        _("Code"),
                        _("Issue"),
                        _("Severity"),
                        _("Priority"),
                        _("Status"),
                        _("Owner"),
                        _("Due"),
                        _("Change"),
                    ),
                    tuple(
                        (
                            i.code,
                            i.title,
                            _key(keys["severity_labels"], i.severity),
                            _key(keys["priority_labels"], i.priority),
                            _key(keys["issue_status_labels"], i.status),
                            i.owner,
                            i.due,
                            changes.get(i.change, i.change),
                        )
                        for i in f.issues
                    ),
                    empty=_("No open issue."),
                )
            )
        elif key == "actions":
            title = _("Overdue actions")
            blocks.append(
                Table(
                    (_("Code"), _("Action"), _("Owner"), _("Due"), _("Days overdue")),
                    tuple((a.code, a.title, a.owner, a.due, a.days_overdue) for a in f.overdue_actions),
                    numeric=(4,),
                    empty=_("No overdue action."),
                )
            )
        elif key == "governance":
            title = _("Governance")
            items: list[tuple[str, Cell]] = []
            if f.health_score is not None:
                items.append((_("Health score"), f.health_score))
            if f.gate:
                gate = {
                    **f.gate,
                    **{k: _key(keys["gate_labels"], f.gate.get(k, "")) for k in ("status", "decision")},
                }
                items.append((_("Gate"), " · ".join(str(v) for v in gate.values() if v)))
            if items:
                blocks.append(KeyValues(tuple(items)))
            blocks.append(
                Table(
                    (_("Rule"), _("Severity"), _("Finding"), _("Due")),
                    tuple(
                        (x.rule, _key(keys["finding_labels"], x.severity), x.message, x.due)
                        for x in f.findings
                    ),
                    empty=_("No open finding."),
                )
            )
        elif key == "quality":
            title = _("Quality")
            blocks.append(
                Table(
                    (_("Indicator"), _("Value"), _("Unit"), _("Colour")),
                    tuple(
                        (
                            quality_label(q.indicator, q.label),
                            q.value,
                            quality_unit(q.indicator, q.unit),
                            rag_cell(q.rag),
                        )
                        for q in f.quality
                    ),
                    numeric=(1,),
                    number_formats={1: INDEX},
                    empty=_("No quality indicator."),
                )
            )
        elif key == "resources":
            title = _("Over-allocations")
            blocks.append(
                Table(
                    (
                        _("Person"),
                        pgettext("date range", "From"),
                        pgettext("date range", "To"),
                        _("Peak load"),
                        _("Tasks"),
                    ),
                    tuple(
                        (o.person, o.start, o.end, _percent(o.peak_percent), ", ".join(o.tasks))
                        for o in f.overallocations
                    ),
                    empty=_("Nobody on the project is over-allocated."),
                )
            )
        elif key == "narrative":
            title = _("Narrative")
            for label, text in (
                (_("Accomplishments"), report.accomplishments),
                (_("Next steps"), report.next_steps),
                (_("Help needed"), report.help_needed),
            ):
                blocks.append(Text(label, "muted"))
                blocks.append(Text(text or "–"))
        elif key == "charts":
            if not with_charts or user is None:
                continue
            title = _("Charts")
            blocks.extend(_charts(report, f, user))
            if not blocks:
                continue
        else:
            continue
        out.append(
            Section(
                title,
                tuple(blocks),
                rag=rag_cell(report.rag_overall) if key == "summary" else None,
                new_page=key == "charts",
            )
        )
    return out


def _document(title: str, subtitle: str, sections: list[Section], language: str) -> Document:
    # The site's address makes the links to its pages absolute, so that they open from a file; without
    # one the renderers write those links as text.
    return Document(
        title=title,
        subtitle=subtitle,
        sections=tuple(sections),
        generated_at=timezone.localtime(),
        language=language,
        labels=labels(),
        base_url=settings.KUROKO_BASE_URL,
    )


def project_document(
    report: StatusReport, *, audience: str, language: str, user: Any = None, with_charts: bool = True
) -> Document:
    """A project's status report for `audience` in `language` (the charts as `user` may see them)."""
    from kuroko.reporting.levels import sections_for

    with translation.override(language):
        project = report.project
        title = _("Status report %(code)s %(name)s") % {"code": project.code, "name": project.name}
        subtitle = " · ".join(
            (week_label(report.week), str(report.get_status_display()), str(Audience(audience).label))
        )
        sections = project_sections(
            report, sections=sections_for(project, audience), user=user, with_charts=with_charts
        )
        return _document(title, subtitle, sections, language)


# --- the portfolio ---------------------------------------------------------------------------------


def _arrow(change: str) -> str:
    return {"better": "↑", "worse": "↓"}.get(change, "")


def portfolio_sections(summary: PortfolioSummary, *, charts: list[Chart] | None = None) -> list[Section]:
    """The executive summary's sections in the active language."""
    dims = [d for d in Dimension]
    matrix = Table(
        (_("Program"), _("Project"), _("Manager"), *[str(d.label) for d in dims], _("Previous overall")),
        tuple(
            (
                row.program_name,
                _link(
                    f"{row.project.code} {row.project.name}"
                    + (f" ({row.report.get_status_display()})" if row.report and row.draft else ""),
                    _url("project-status-reports", row.project.code),
                ),
                str(row.project.manager or ""),
                *[
                    rag_cell(row.rags[d.value], _arrow(row.changes[d.value]))
                    if row.report
                    else _("Not reported")
                    for d in dims
                ],
                rag_cell(row.previous["overall"]) if row.previous["overall"] else "",
            )
            for row in summary.rows
        ),
        empty=_("No active project."),
    )
    counts = summary.counts()
    lead = _(
        "%(reported)s of %(total)s projects reported: %(red)s red, %(amber)s amber, %(green)s green."
    ) % {
        "reported": summary.reported,
        "total": len(summary.rows),
        "red": counts["red"],
        "amber": counts["amber"],
        "green": counts["green"],
    }
    states, keys = _states(), _keys()
    sections = [
        Section(_("RAG matrix"), (Text(lead, "lead"), matrix), sheet=_("RAG matrix")),
        Section(
            _("Milestones at risk"),
            (
                Table(
                    (
                        _("Project"),
                        _("WBS"),
                        _("Milestone"),
                        _("Baseline finish"),
                        _("Finish"),
                        _("Slip"),
                        _("State"),
                    ),
                    tuple(
                        (
                            p.code,
                            m.wbs,
                            m.name,
                            m.baseline_finish,
                            m.finish,
                            _days(m.slip_days),
                            states.get(m.state, m.state),
                        )
                        for p, m in summary.milestones
                    ),
                    empty=_("No milestone at risk."),
                ),
            ),
        ),
        Section(
            _("Top risks"),
            (
                Table(
                    (
                        _("Project"),
                        _("Code"),
                        _("Risk"),
                        _("Level"),
                        _("Score"),
                        _("Owner"),
                        _("Response due"),
                    ),
                    tuple(
                        (
                            p.code,
                            r.code,
                            r.title,
                            _key(keys["level_labels"], r.level),
                            r.score,
                            r.owner,
                            r.response_due,
                        )
                        for p, r in summary.risks
                    ),
                    numeric=(4,),
                    number_formats={4: ONE_PLACE},
                    empty=_("No open risk."),
                ),
            ),
        ),
        Section(
            _("Resource hotspots"),
            (
                Table(
                    (_("Person"), _("Peak load"), _("Projects")),
                    tuple(
                        (h.person, _percent(h.peak_percent), ", ".join(h.projects)) for h in summary.hotspots
                    ),
                    empty=_("Nobody is over-allocated."),
                ),
            ),
        ),
        Section(_("Financials"), (_financials(summary),)),
        Section(
            _("Gate decisions pending"),
            (
                Table(
                    (_("Project"), _("Phase"), _("Status"), _("Due")),
                    tuple(
                        (
                            p.code,
                            g.get("phase", ""),
                            _key(keys["gate_labels"], g.get("status", "")),
                            g.get("due", ""),
                        )
                        for p, g in summary.gates
                    ),
                    empty=_("No gate decision pending."),
                ),
            ),
        ),
    ]
    if charts:
        sections.append(Section(_("Trends"), tuple(charts)))
    return sections


def _financials(summary: PortfolioSummary) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (f.project.code, f.currency, _money(f.budget), _money(f.actual), _money(f.eac), _money(f.variance))
        for f in summary.financials
    ]
    if summary.totals is not None:
        t = summary.totals
        rows.append(
            (_("Total"), t.currency, _money(t.budget), _money(t.actual), _money(t.eac), _money(t.variance))
        )
    return Table(
        (_("Project"), _("Currency"), _("Budget"), _("Actual cost"), "EAC", _("Variance")),
        tuple(rows),
        numeric=(2, 3, 4, 5),
        number_formats={2: MONEY, 3: MONEY, 4: MONEY, 5: MONEY},
        empty=_("No project has a budget or costs yet."),
    )


def _subtitle(summary: PortfolioSummary) -> str:
    parts = [week_label(summary.week)]
    if summary.program is not None:
        parts.append(f"{summary.program.code} {summary.program.name}")
    return " · ".join(parts)


def _trend_charts(user: Any, *, week: date, program: Any) -> list[Chart]:
    from kuroko.reporting.selectors.dashboard_charts import report_charts

    return list(report_charts(user, week=week, program=program))


def portfolio_document(
    user: Any, *, week: date, program: Any = None, audience: str = "pmo", language: str = "en"
) -> Document:
    """The executive summary of a week as a document (what `user` reads)."""
    with translation.override(language):
        summary = portfolio_summary(user, week=week, program=program)
        charts = _trend_charts(user, week=summary.week, program=program)
        return _document(
            _("Portfolio summary"), _subtitle(summary), portfolio_sections(summary, charts=charts), language
        )


def executive_pack(user: Any, *, week: date, program: Any = None, language: str = "en") -> Document:
    """The executive pack: the summary's slides, then one slide per project (its colours, key figures,
    summary, top risks and milestones, at the executive level)."""
    with translation.override(language):
        summary = portfolio_summary(user, week=week, program=program)
        charts = _trend_charts(user, week=summary.week, program=program)
        sections = portfolio_sections(summary, charts=charts)
        for row in summary.rows:
            sections.append(_project_slide(row))
        return _document(_("Executive pack"), _subtitle(summary), sections, language)


def _project_slide(row: Any) -> Section:
    project, report, f = row.project, row.report, row.facts
    title = f"{project.code} {project.name}"
    if report is None or f is None:
        return Section(title, (Text(_("No status report this week."), "muted"),), rag=rag_cell(""))
    colours = KeyValues(
        tuple((str(d.label), rag_cell(row.rags[d.value], _arrow(row.changes[d.value]))) for d in Dimension)
    )
    blocks: list[Block] = []
    if report.summary:
        blocks.append(Text(report.summary, "lead"))
    blocks.append(colours)
    figures = [
        (_("Percent complete"), _percent(f.percent_complete)),
        (_("Forecast finish"), f.finish),
        (_("Finish variance"), _days(f.finish_variance_days)),
        ("SPI / CPI", " / ".join("" if v is None else f"{v:.2f}" for v in (f.spi, f.cpi))),
    ]
    blocks.append(KeyValues(tuple((k, v) for k, v in figures if v not in (None, "", " / "))))
    keys = _keys()
    top = [r for r in f.risks if r.change != "closed"][:3]
    if top:
        blocks.append(
            Table(
                (_("Code"), _("Risk"), _("Level"), _("Score")),
                tuple((r.code, r.title, _key(keys["level_labels"], r.level), r.score) for r in top),
                numeric=(3,),
                number_formats={3: ONE_PLACE},
                caption=_("Top risks"),
            )
        )
    if report.help_needed:
        blocks.append(Text(_("Help needed: %(text)s") % {"text": report.help_needed}))
    return Section(title, tuple(blocks), rag=rag_cell(row.rags["overall"]), sheet=project.code)


# --- naming ----------------------------------------------------------------------------------------


def file_name(kind: str, fmt: str, *, week: date | None, code: str = "") -> str:
    """A download's file name: kind, project or program code and week ("status-ALPHA-2026-W47.pdf")."""
    stem = {"project": "status", "portfolio": "portfolio", "executive_pack": "executive-pack"}.get(kind, kind)
    parts = [stem, code, week_label(week) if week else datetime.now().strftime("%Y%m%d")]
    safe = "-".join(p for p in parts if p)
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in safe) + f".{fmt}"
