"""Pages of usage: a subscriber's month to date by product, its records and statements; operators see every
subscriber's and issue a month's statements; one statement with its lines, VAT per line. Thin: the form in,
dataproducts.services.usage acts, dataproducts.selectors.usage decides what each viewer sees."""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dataproducts.forms.usage import UsageIssueForm
from dataproducts.selectors.usage import (
    usage_month_to_date,
    usage_record_list,
    usage_statement_lines,
    usage_statement_list,
)
from dataproducts.services import usage
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class UsageView(BrainView):
    """Usage this month by product, the latest records and the statements; operators issue a month's statements."""

    def get(self, request, brain_slug):
        last_month = timezone.localdate().replace(day=1) - relativedelta(months=1)
        return self._render(UsageIssueForm(initial={"month": last_month}))

    def post(self, request, brain_slug):
        form = UsageIssueForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            made = usage.usage_statements_issue_month(brain=self.brain, month=form.cleaned_data["month"],
                                                      by=request.user)
        except DomainError as error:
            form_error(form, error)
            return self._render(form, status=403 if error.status == 403 else 400)
        month = form.cleaned_data["month"].strftime("%Y-%m")
        if made:
            messages.success(request, ngettext("%(n)d statement issued for %(month)s.",
                                               "%(n)d statements issued for %(month)s.", len(made))
                             % {"n": len(made), "month": month})
        else:
            messages.info(request, _("Nothing to bill for %(month)s: every statement was issued already, or there "
                                     "were no charges.") % {"month": month})
        return HttpResponseRedirect(reverse("dataproducts:usage", args=[brain_slug]))

    def _render(self, form, *, status=200):
        return render(self.request, "dataproducts/usage/home.html", {
            "summary": usage_month_to_date(brain=self.brain, viewer=self.access),
            "records": list(usage_record_list(brain=self.brain, viewer=self.access)[:50]),
            "statements": list(usage_statement_list(brain=self.brain, viewer=self.access)[:100]),
            "operator": self.access.is_operator,
            "form": form if self.access.is_operator else None,
        }, status=status)


class UsageStatementView(BrainView):
    """One statement: the subscriber, the month, each line (what, calls, downloads, rows, periods, amount, VAT)."""

    def get(self, request, brain_slug, pk):
        statement = get_object_or_404(usage_statement_list(brain=self.brain, viewer=self.access), pk=pk)
        return render(request, "dataproducts/usage/statement.html", {
            "statement": statement, "lines": usage_statement_lines(statement=statement),
            "operator": self.access.is_operator})
