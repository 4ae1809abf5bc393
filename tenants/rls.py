"""PostgreSQL Row-Level Security for every tenant-owned table.

Each table gets ENABLE + FORCE (the application role owns its tables, and owners bypass RLS unless
forced) and one policy: a row is visible and writable only when its brain_id equals the
transaction-local setting `app.brain_id`. With nothing set, nothing is visible (fail-closed).
`app.cross_brain = 'on'` is the explicit, audited cross-brain path (tenants.context.cross_brain).
"""

from django.apps import apps
from django.db import connection

from tenants.models import BrainOwned

POLICY = "brain_isolation"
IN_BRAIN = "brain_id = NULLIF(current_setting('app.brain_id', true), '')::bigint"
CROSS_BRAIN = "current_setting('app.cross_brain', true) = 'on'"


def brain_owned_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BrainOwned) and not model._meta.proxy and model._meta.managed
    ]


def policy_sql(model) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    visible = " OR ".join([IN_BRAIN, CROSS_BRAIN, *model.rls_also_visible_when])
    writable = f"{IN_BRAIN} OR {CROSS_BRAIN}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {table}",
        f"CREATE POLICY {POLICY} ON {table} USING ({visible}) WITH CHECK ({writable})",
    ]


def apply_policies(**kwargs) -> None:
    """post_migrate hook: (re)create the policy on every tenant-owned table. Idempotent."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in brain_owned_models():
            if model._meta.db_table in existing:
                for statement in policy_sql(model):
                    cursor.execute(statement)
