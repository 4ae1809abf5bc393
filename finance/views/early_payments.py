"""Pages of early payment as a whole: a buyer's maturity calendar (what it pays, when, to whom), and the reports —
the programme rollforward per buyer and each bank's exposure per buyer against its lines."""

from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from finance.models import DiscountProgramme
from finance.selectors.discounting import programme_rollforward
from finance.selectors.early_payments import early_payment_totals, maturity_calendar
from finance.selectors.financing import bank_exposure
from tenants.models import Enterprise
from tenants.views.base import BrainView


def day_of(request, name: str, default: date) -> date:
    """A date from the query string, else `default` (a bad one too: a report page never fails on its filter)."""
    try:
        return parse_date(request.GET.get(name, "")) or default
    except ValueError:
        return default


class MaturityCalendarView(BrainView):
    """A buyer's maturity calendar: day by day, what it owes and whom it pays (a bank, for a financed claim)."""

    def get(self, request, brain_slug):
        today = timezone.localdate()
        start, end = day_of(request, "start", today), day_of(request, "end", today + timedelta(days=90))
        rows = maturity_calendar(brain=self.brain, viewer=self.access, start=start, end=end)
        days = {}
        for row in rows:
            days.setdefault(row["due_on"], []).append(row)
        return render(request, "finance/early_payments/calendar.html", {
            "days": [{"day": day, "rows": items, "total": sum(r["amount"] for r in items)}
                     for day, items in days.items()],
            "start": start, "end": end, "total": sum(r["amount"] for r in rows)})


class EarlyPaymentReportsView(BrainView):
    """The programme rollforward per buyer over a period, and each bank's exposure per buyer against its lines:
    the viewer's own rows (a buyer, a bank), every row (operators), the brain's totals (government viewers)."""

    def get(self, request, brain_slug):
        today = timezone.localdate()
        start, end = day_of(request, "start", date(today.year, today.month, 1)), day_of(request, "end", today)
        rows = programme_rollforward(brain=self.brain, viewer=self.access, start=start, end=end)
        names = {e.pk: e for e in Enterprise.objects.filter(pk__in=[r["buyer"] for r in rows if r["buyer"]])}
        for row in rows:
            row["buyer_name"] = names.get(row["buyer"])
        return render(request, "finance/early_payments/reports.html", {
            "rollforward": rows, "exposure": bank_exposure(brain=self.brain, viewer=self.access),
            "totals": early_payment_totals(brain=self.brain) if (self.access.is_operator or self.access.staff_role)
            else None,
            "open_programmes": DiscountProgramme.objects.in_brain(self.brain).filter(
                status=DiscountProgramme.Status.OPEN).count() if self.access.staff_role else None,
            "start": start, "end": end})
