"""Awarded lines written straight from capacity's models (the way its own fixtures do), so a data product has
verified transactions to build from: `Deals(brain, buyer, user).award(supplier, process=…, price=…, at=…)`."""

import itertools
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from capacity.models import Award, Operation, Part, Project, PurchaseOrder, Quote, QuoteLine, Rfq, RfqLine
from conftest import join, make_enterprise
from tenants.context import brain_context
from tenants.models import Process

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def local(year, month, day=15, hour=10):
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def suppliers(brain, count, *, start=100, region="331003"):
    """`count` supplier members of the brain, named in Chinese."""
    made = []
    for index in range(start, start + count):
        enterprise = make_enterprise(index, f"台州市黄岩第{index}精密机械有限公司", region=region)
        join(brain, enterprise, roles=("supplier",))
        made.append(enterprise)
    return made


class Deals:
    def __init__(self, brain, buyer, user):
        self.brain, self.buyer, self.user = brain, buyer, user
        with brain_context(brain.pk):
            self.project = Project.objects.create(brain=brain, buyer=buyer, code=f"P{next(_numbers)}",
                                                  name="空调支架模具", created_by=user)

    def award(self, supplier, *, process="CNC", material="P20", price="100.00", quantity=10, at=None,
              voided=False) -> Award:
        at = at or local(2026, 3)
        number = next(_numbers)
        with brain_context(self.brain.pk):
            part = Part.objects.create(brain=self.brain, project=self.project, part_no=f"PT-{number}",
                                       name="型腔镶件", quantity=quantity, material=material)
            operation = Operation.objects.create(brain=self.brain, part=part, sequence=1,
                                                 process=Process.objects.in_brain(self.brain).get(code=process))
            rfq = Rfq.objects.create(brain=self.brain, project=self.project, buyer=self.buyer, number=f"RFQ-{number}",
                                     title="型腔加工", deadline=at, created_by=self.user, status="awarded")
            line = RfqLine.objects.create(brain=self.brain, rfq=rfq, line_no=1, part=part, operation=operation,
                                          quantity=quantity)
            quote = Quote.objects.create(brain=self.brain, rfq=rfq, supplier=supplier, submitted_by=self.user)
            quote_line = QuoteLine.objects.create(brain=self.brain, quote=quote, rfq_line=line,
                                                  unit_price=Decimal(price), lead_time_days=10)
            order = PurchaseOrder.objects.create(brain=self.brain, rfq=rfq, supplier=supplier, number=f"PO-{number}",
                                                 issued_by=self.user, issued_at=at)
            return Award.objects.create(brain=self.brain, rfq_line=line, quote_line=quote_line, purchase_order=order,
                                        unit_price=Decimal(price), vat_rate=Decimal(13), quantity=quantity,
                                        awarded_by=self.user, awarded_at=at,
                                        voided_at=at if voided else None)
