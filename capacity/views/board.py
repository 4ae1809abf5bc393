"""The buyer's project board, live, and the operators' board settings."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from capacity.selectors.board import project_board
from capacity.forms.board import BoardFilterForm, BoardSettingsForm
from capacity.services.board import board_settings_of, board_settings_save
from capacity.views.projects import BuyerView
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class ProjectBoardView(BuyerView):
    """Every part of the project: where it is, what is late, blocked or at risk; a timeline of the whole mould.
    Live: the page follows the "board" topic; on each update it re-fetches the rows the event touched
    (`?changed=<part ids>`), or the whole fragment when the event names none or the rows move."""

    def get(self, request, brain_slug, pk):
        project = self.project(pk)
        form = BoardFilterForm(request.GET)
        filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
        board = project_board(project, viewer=self.access, **filters)
        changed = {int(n) for n in request.GET.get("changed", "").split(",") if n.isdigit()}
        if request.htmx and changed:  # a live update: only the rows it touched (and the head), not the table
            board.rows = [row for row in board.rows if row.part.pk in changed]
            return render(request, "capacity/board/_changed.html", {"project": project, "board": board, "form": form})
        template = "capacity/board/_live.html" if request.htmx else "capacity/board/board.html"
        return render(request, template, {"project": project, "board": board, "form": form})


class BoardSettingsView(BrainView):
    """Operators: the brain's board rules (after how many days without a report a part is at risk)."""

    operators_only = True

    def get(self, request, brain_slug):
        settings = board_settings_of(self.brain)
        return self._render(BoardSettingsForm(initial={"stale_after_days": settings.stale_after_days}),
                            settings)

    def post(self, request, brain_slug):
        form = BoardSettingsForm(request.POST)
        if form.is_valid():
            try:
                board_settings_save(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Board settings saved."))
                return HttpResponseRedirect(request.path)
        return self._render(form, board_settings_of(self.brain), status=400)

    def _render(self, form, settings, status=200):
        return render(self.request, "capacity/board/settings.html", {"form": form, "settings": settings},
                      status=status)
