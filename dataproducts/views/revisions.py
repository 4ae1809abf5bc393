"""A revision's page: its lineage and, for whoever may read the product (dataproducts.selectors.subscriptions
.can_read) or operate the brain, its published rows, the remainder labelled as such; operators publish a draft or
build a correction of a published one."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dataproducts.definitions import REGISTRY
from dataproducts.forms.products import CorrectForm
from dataproducts.selectors.revisions import revision_list, revision_rows
from dataproducts.selectors.subscriptions import can_read
from dataproducts.services import revisions
from tenants.errors import DomainError, form_error
from tenants.models import Process
from tenants.views.base import BrainView

ROWS_SHOWN = 500


def table(brain, spec, rows) -> dict:
    """Rows as a page shows them: coded dimensions by their labels, processes by their names, the remainder as
    其他（已合并，保护隐私）."""
    names = {process.code: str(process) for process in Process.objects.in_brain(brain)}
    shown = []
    for row in rows:
        if row.is_remainder:
            cells = [_("Other (merged to protect privacy)")] + [""] * (len(spec.dimensions) - 1)
        else:
            cells = [names.get(row.dimensions.get(field.name), row.dimensions.get(field.name))
                     if field.name == "process" else field.display(row.dimensions.get(field.name))
                     for field in spec.dimensions]
        shown.append({"dimensions": cells, "measures": [row.measures.get(field.name) for field in spec.measures],
                      "is_remainder": row.is_remainder, "enterprises": row.enterprises})
    return {"dimensions": spec.dimensions, "measures": spec.measures, "rows": shown}


class RevisionView(BrainView):
    def revision(self, pk):
        return get_object_or_404(revision_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.revision(pk), CorrectForm())

    def post(self, request, brain_slug, pk):
        revision = self.revision(pk)
        action = request.POST.get("action", "")
        form = CorrectForm(request.POST) if action == "correct" else CorrectForm()
        try:
            if action == "publish":
                revisions.revision_publish(revision=revision, by=request.user)
                messages.success(request, _("Revision %(number)s is published: it cannot change any more.") % {
                    "number": revision.number})
                return HttpResponseRedirect(reverse("dataproducts:revision", args=[brain_slug, revision.pk]))
            if action == "correct":
                if not form.is_valid():
                    return self._render(revision, form, status=400)
                made = revisions.revision_correct(revision=revision, by=request.user, **form.cleaned_data)
                messages.success(request, _("Correction built as revision %(number)s: publish it to withdraw the "
                                            "one it corrects.") % {"number": made.number})
                return HttpResponseRedirect(reverse("dataproducts:revision", args=[brain_slug, made.pk]))
        except DomainError as error:
            form_error(form, error)
            return self._render(revision, form, status=403 if error.status == 403 else 400)
        return self._render(revision, form, status=400)

    def _render(self, revision, form, status=200):
        spec = REGISTRY.get(revision.product.definition)
        readable = self.access.is_operator or can_read(product=revision.product, viewer=self.access)
        rows = list(revision_rows(revision)[:ROWS_SHOWN]) if readable and spec else []
        return render(self.request, "dataproducts/products/revision.html", {
            "revision": revision, "product": revision.product, "spec": spec, "readable": readable,
            "table": table(self.brain, spec, rows) if spec else None, "operator": self.access.is_operator,
            "form": form}, status=status)
