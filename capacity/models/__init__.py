"""Capacity sharing: supplier capability, projects and parts, RFQs, quotes and awards, work orders and their
progress, deliveries and ratings, the project board, mould trials. One module per concept; every model is
re-exported here, so the app label and the migrations do not depend on where a model is written."""

from capacity.models.profiles import SupplierProfile, SupplierCapacity, Machine
from capacity.models.projects import Project, Part, Operation, Drawing, BomImport
from capacity.models.rfqs import Rfq, RfqLine, Invitation, Question
from capacity.models.quotes import Quote, QuoteLine
from capacity.models.awards import PurchaseOrder, Award, Recommendation
from capacity.models.work_orders import WorkOrder, WorkOrderLine, ProgressReport
from capacity.models.attachments import Attachment
from capacity.models.change_requests import ChangeRequest
from capacity.models.deliveries import Delivery, DeliveryLine
from capacity.models.ratings import SupplierRating
from capacity.models.board import BoardSettings, Reminder
from capacity.models.trials import MouldTrial, TrialModification

__all__ = [
    "Attachment", "Award", "BoardSettings", "BomImport", "ChangeRequest", "Delivery", "DeliveryLine",
    "Drawing", "Invitation", "Machine", "MouldTrial", "Operation", "Part", "ProgressReport", "Project",
    "PurchaseOrder", "Question", "Quote", "QuoteLine", "Recommendation", "Reminder", "Rfq", "RfqLine",
    "SupplierCapacity", "SupplierProfile", "SupplierRating", "TrialModification", "WorkOrder",
    "WorkOrderLine",
]
