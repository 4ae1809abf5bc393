"""The brain's data: government-data sync (sources, runs, quarantine, public records), enterprise tags and
support policies. One module per concept; every model is re-exported here, so the app label and the migrations
do not depend on where a model is written."""

from brain.models.policies import Policy, PolicyMatch
from brain.models.sync import DataSource, Department, PublicRecord, QuarantinedRecord, RecordType, SyncRun
from brain.models.tags import EnterpriseTag

__all__ = [
    "DataSource", "Department", "EnterpriseTag", "Policy", "PolicyMatch", "PublicRecord", "QuarantinedRecord",
    "RecordType", "SyncRun",
]
