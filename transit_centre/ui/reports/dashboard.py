"""Dashboard: the manager's first screen. Tonight against capacity (bars), arrivals and departures
per week (lines), this month's services, returns in the pipeline and cash disbursed this month.

Figures come from ``reports.dashboard`` (the same functions as the monthly export); they are
loaded off the GUI thread.
"""
from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import QCursor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTableWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from transit_centre.ui.common import theme
from transit_centre.casework import followups
from transit_centre.enums import GrantKind, ReturnStep, ServiceKind
from transit_centre.i18n import _, format_date, format_number, format_percent, format_xof
from transit_centre.reports.dashboard import DashboardView, dashboard
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.context import UiContext
from transit_centre.ui.common.page import Page
from transit_centre.ui.common.tables import RowTable
from transit_centre.ui.common.operations import run_op



def _fill(table: RowTable, rows: list[tuple], *, figures: bool = True) -> None:
    """Rows of text; with ``figures`` the columns after the first are right-aligned numbers."""
    table.set_rows([(None, [str(v) for v in row], None) for row in rows])
    if figures:
        for r in range(table.rowCount()):
            for c in range(1, table.columnCount()):
                table.item(r, c).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _value_axis(top: int) -> QValueAxis:
    """A 0-based axis with whole-number ticks (4 intervals) whatever the maximum."""
    step = max(1, -(-int(top * 1.1) // 4))
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, step * 4)
    axis.setTickCount(5)
    return axis


class WeekAxis(QCategoryAxis):
    """The weeks under the line chart, as dd/MM of each Monday. When the chart is too narrow for
    every date, every second (or third…) week is labelled, never a date cut to « 2… »."""

    def __init__(self, mondays: list, chart: QChart) -> None:  # noqa: ANN001 - dates
        super().__init__()
        self.dates = [format_date(day, "dd/MM") for day in mondays]
        self.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.setRange(-0.5, len(self.dates) - 0.5)
        self.setGridLineVisible(False)
        self.step = 0
        chart.plotAreaChanged.connect(self._fit)
        self._fit(QRectF(0, 0, 600, 200))

    def _fit(self, area: QRectF) -> None:
        if not self.dates:
            return
        width = QFontMetrics(self.labelsFont()).horizontalAdvance("00/00") + 10
        room = max(area.width(), 1) / len(self.dates)
        step = max(1, math.ceil(width / room))
        if step == self.step:
            return
        self.step = step
        for label in list(self.categoriesLabels()):
            self.remove(label)
        last = len(self.dates) - 1  # the current week is always labelled
        for i in range(last % step, last + 1, step):
            self.append(self.dates[i], i)


def _chart() -> QChart:
    """A chart in the window's colours (light or dark)."""
    chart = QChart()
    dark = theme.current().key == "dark"
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundBrush(theme.brush("base"))
    return chart


def _hover_tip(text: str) -> None:
    QToolTip.showText(QCursor.pos(), text)


def _label(enum_cls, value: str) -> str:  # noqa: ANN001
    try:
        return enum_cls(value).label
    except ValueError:
        return value


class DashboardPage(Page):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="dashboardPage")
        self.view: DashboardView | None = None
        self.tasks: dict[str, list] = {}  # the follow-ups shown, by table name
        self._task = None

        self.title = QLabel()
        self.title.setObjectName("dashboardTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.status = QLabel()
        self.status.setObjectName("dashboardStatus")
        refresh = QPushButton(_("Refresh"))
        refresh.setObjectName("dashboardRefresh")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        top.addWidget(refresh)

        self.tonight_chart = QChartView()
        self.tonight_chart.setObjectName("tonightChart")
        self.weeks_chart = QChartView()
        self.weeks_chart.setObjectName("weeksChart")
        for view in (self.tonight_chart, self.weeks_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
        self.services = RowTable("servicesTable", [_("Service"), _("Records"), _("Quantity"), _("People served")], stretch=0)
        self.pipeline = RowTable("pipelineTable", [_("Last step done"), _("Cases")], stretch=0)
        self.cash = RowTable("cashTable", [_("Grant kind"), _("People"), _("Amount")], stretch=0)
        for table in (self.services, self.pipeline, self.cash):
            table.horizontalHeader().setStretchLastSection(False)
        self.summary = QLabel()
        self.summary.setObjectName("monthSummary")
        self.summary.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(self._box(_("Present tonight and capacity"), self.tonight_chart), 0, 0)
        grid.addWidget(self._box(_("Arrivals and departures per week"), self.weeks_chart), 0, 1)
        month_box = QWidget()
        month_layout = QVBoxLayout(month_box)
        month_layout.setContentsMargins(0, 0, 0, 0)
        month_layout.addWidget(self.summary)
        month_layout.addWidget(self.services)
        self.month_group = self._box(_("This month"), month_box)
        grid.addWidget(self.month_group, 1, 0)
        grid.addWidget(self._box(_("Returns in the pipeline"), self.pipeline), 1, 1)
        # Follow-ups: the user's own open tasks, and every overdue task of the centre.
        self.my_tasks = RowTable("myTasksTable", [_("Due date"), _("Resident"), _("Task")], stretch=2)
        self.overdue_tasks = RowTable("overdueTasksTable", [_("Due date"), _("Resident"), _("Task"), _("Owner")],
                                      stretch=2)
        self.task_tabs = QTabWidget()
        self.task_tabs.setObjectName("taskTabs")
        self.task_tabs.addTab(self.my_tasks, _("My tasks"))
        self.task_tabs.addTab(self.overdue_tasks, _("Overdue"))
        for table in (self.my_tasks, self.overdue_tasks):
            table.doubleClicked.connect(lambda index, t=table: self.open_resident(t, index.row()))
        self.tasks_box = self._box(_("Follow-ups"), self.task_tabs)
        self.tasks_box.setVisible(ctx.actor.can(Permission.RESIDENT_READ))
        cash_box = self._box(_("Cash disbursed this month"), self.cash)
        if ctx.actor.can(Permission.RESIDENT_READ):
            grid.addWidget(self.tasks_box, 2, 0)
            grid.addWidget(cash_box, 2, 1)
        else:
            grid.addWidget(cash_box, 2, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.refresh()

    @staticmethod
    def _box(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(4, 4, 4, 4)
        inner.addWidget(widget)
        return box

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.status.setText(_("Loading…"))
        db, actor, centre_id = self.ctx.db, self.ctx.actor, self.ctx.centre_id
        with_tasks = actor.can(Permission.RESIDENT_READ)

        def load():  # noqa: ANN202
            view = dashboard(db, actor, centre_id)
            if not with_tasks:
                return view, [], []
            return (view, *followups.task_lists(db, actor))

        self._task = run_op(self, load, self._loaded, failed=self._failed)

    def _loaded(self, result: tuple) -> None:
        view, mine, overdue = result
        self.show_view(view)
        self.show_tasks(mine, overdue)

    def show_tasks(self, mine: list, overdue: list) -> None:
        self.tasks = {"myTasksTable": mine, "overdueTasksTable": overdue}
        _fill(self.my_tasks, [(format_date(t.due_date, "short"), f"{t.case_number} – {t.resident_name}",
                               followups.title_text(t)) for t in mine], figures=False)
        _fill(self.overdue_tasks, [(format_date(t.due_date, "short"), f"{t.case_number} – {t.resident_name}",
                                    followups.title_text(t), t.owner_name) for t in overdue], figures=False)
        for row, task in enumerate(mine):
            if task.overdue():
                for col in range(self.my_tasks.columnCount()):
                    self.my_tasks.item(row, col).setForeground(theme.colour("error"))
        self.task_tabs.setTabText(0, _("My tasks ({n})").format(n=format_number(len(mine))))
        self.task_tabs.setTabText(1, _("Overdue ({n})").format(n=format_number(len(overdue))))

    def open_resident(self, table: QTableWidget, row: int) -> None:
        tasks = self.tasks.get(table.objectName(), [])
        if not 0 <= row < len(tasks):
            return
        if self.ctx.open_resident is not None and self.ctx.open_resident(self, tasks[row].resident_id):
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        from transit_centre.ui.common.errors import show_error

        self.status.setText(_("The figures could not be loaded."))
        show_error(self, exc)

    def show_view(self, view: DashboardView) -> None:
        self.view = view
        scope = self.ctx.centre_name or _("All centres")
        self.title.setText(_("{scope} – {day}").format(scope=scope, day=format_date(view.day, "full")))
        self.status.setText("")
        self._tonight(view)
        self._weeks(view)
        month = view.month
        self.month_group.setTitle(_("This month ({month})").format(month=format_date(month.start, "MMMM y")))
        self.summary.setText(_(
            "Arrivals {arrivals} · departures {departures} · bed-nights {nights} · occupancy {rate} · "
            "returns {returns}").format(
            arrivals=format_number(month.arrivals), departures=format_number(month.departures),
            nights=format_number(month.bed_nights), rate=format_percent(month.occupancy) or "–",
            returns=format_number(month.returns_total)))
        rows: dict[str, list[int]] = {}
        for line in month.services:
            rows.setdefault(line.kind, [0, 0, 0])
            for i, value in enumerate((line.records, line.quantity, line.contacts)):
                rows[line.kind][i] += value
        _fill(self.services, [(_label(ServiceKind, k), *(format_number(v) for v in values))
                              for k, values in rows.items()])
        _fill(self.pipeline, [(_label(ReturnStep, step), format_number(n)) for step, n in view.pipeline])
        cash = [(_label(GrantKind, k), format_number(n), format_xof(total)) for k, n, total in month.cash]
        cash.append((_("Total"), "", format_xof(month.cash_total)))
        _fill(self.cash, cash)

    def _tonight(self, view: DashboardView) -> None:
        present, capacity = QBarSet(_("Present tonight")), QBarSet(_("Capacity"))
        for centre in view.tonight:
            present.append(centre.present)
            capacity.append(centre.capacity)
        codes = [c.code for c in view.tonight]

        def tip(shown: bool, index: int) -> None:
            if shown and 0 <= index < len(view.tonight):
                c = view.tonight[index]
                _hover_tip(_("{centre}: {present} present tonight, capacity {capacity}").format(
                    centre=c.code, present=format_number(c.present), capacity=format_number(c.capacity)))
            elif not shown:
                QToolTip.hideText()

        present.hovered.connect(tip)
        capacity.hovered.connect(tip)
        series = QBarSeries()
        series.append(present)
        series.append(capacity)
        chart = _chart()
        chart.addSeries(series)
        present.setColor(theme.colour("series_1"))  # after the chart's theme coloured the series
        capacity.setColor(theme.colour("series_3"))
        axis_x = QBarCategoryAxis()
        axis_x.append(codes)
        axis_y = _value_axis(max([1] + [max(c.present, c.capacity) for c in view.tonight]))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(2, 2, 2, 2))
        self.tonight_chart.setChart(chart)

    def _weeks(self, view: DashboardView) -> None:
        arrivals, departures = QLineSeries(), QLineSeries()
        arrivals.setName(_("Arrivals"))
        departures.setName(_("Departures"))
        for i, week in enumerate(view.weeks):
            arrivals.append(i, week.arrivals)
            departures.append(i, week.departures)

        def tip(point: QPointF, shown: bool) -> None:
            i = round(point.x())
            if shown and 0 <= i < len(view.weeks):
                week = view.weeks[i]
                _hover_tip(_("Week of {day}: {arrivals} arrivals, {departures} departures").format(
                    day=format_date(week.week_start), arrivals=format_number(week.arrivals),
                    departures=format_number(week.departures)))
            elif not shown:
                QToolTip.hideText()

        chart = _chart()
        for series in (arrivals, departures):
            series.setPointsVisible(True)
            series.hovered.connect(tip)
            chart.addSeries(series)
        arrivals.setColor(theme.colour("series_1"))
        departures.setColor(theme.colour("series_2"))
        axis_x = WeekAxis([w.week_start for w in view.weeks], chart)
        axis_y = _value_axis(max([1] + [max(w.arrivals, w.departures) for w in view.weeks]))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for series in (arrivals, departures):
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(2, 2, 2, 2))
        self.weeks_chart.setChart(chart)

