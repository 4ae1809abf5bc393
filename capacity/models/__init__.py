"""Capacity sharing: supplier capability, projects and parts, RFQs, quotes and awards, work orders and their
progress, deliveries and ratings, the project board, mould trials. One module per concept; every model is
re-exported here, so the app label and the migrations do not depend on where a model is written."""

from capacity.models.attachments import Attachment
from capacity.models.awards import Award, PurchaseOrder, Recommendation
from capacity.models.board import BoardSettings, Reminder
from capacity.models.change_requests import ChangeRequest
from capacity.models.deliveries import Delivery, DeliveryLine
from capacity.models.profiles import Machine, SupplierCapacity, SupplierProfile
from capacity.models.projects import BomImport, Drawing, Operation, Part, Project
from capacity.models.ratings import SupplierRating
from capacity.models.rfqs import Invitation, Question, Quote, QuoteLine, Rfq, RfqLine
from capacity.models.trials import MouldTrial, TrialModification
from capacity.models.work_orders import ProgressReport, WorkOrder, WorkOrderLine

__all__ = [
    "Attachment", "Award", "BoardSettings", "BomImport", "ChangeRequest", "Delivery", "DeliveryLine",
    "Drawing", "Invitation", "Machine", "MouldTrial", "Operation", "Part", "ProgressReport", "Project",
    "PurchaseOrder", "Question", "Quote", "QuoteLine", "Recommendation", "Reminder", "Rfq", "RfqLine",
    "SupplierCapacity", "SupplierProfile", "SupplierRating", "TrialModification", "WorkOrder",
    "WorkOrderLine",
]
