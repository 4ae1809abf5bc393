"""PostgreSQL Row-Level Security for every tenant-owned table.

Each table gets ENABLE + FORCE (the application role owns its tables, and owners bypass RLS unless
forced) and two permissive policies: `brain_read` (SELECT) and `brain_write` (INSERT, UPDATE,
DELETE). A row is readable and writable only when its brain_id equals the transaction-local setting
`app.brain_id`; with nothing set, nothing is (fail-closed). A model's `rls_also_visible_when` widens
reading only: writing always needs the row's brain entered, also for UPDATE and DELETE, whose USING
clause is the write policy's. `app.cross_brain = 'on'` is the explicit, audited cross-brain path
(tenants.context.cross_brain).
"""

from django.apps import apps
from django.db import connection

from tenants.models import BrainOwned

POLICIES = ("brain_read", "brain_write")
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
        "DROP POLICY IF EXISTS brain_isolation ON " + table,  # the single policy of the first release
        *(f"DROP POLICY IF EXISTS {name} ON {table}" for name in POLICIES),
        f"CREATE POLICY brain_read ON {table} FOR SELECT USING ({visible})",
        # FOR ALL covers SELECT too, but permissive policies are OR-ed, so reading stays as wide as brain_read.
        f"CREATE POLICY brain_write ON {table} FOR ALL USING ({writable}) WITH CHECK ({writable})",
    ]


def apply_policies(**kwargs) -> None:
    """post_migrate hook: (re)create the policy on every tenant-owned table. Idempotent."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in brain_owned_models():
            if model._meta.db_table in existing:
                for statement in policy_sql(model):
                    cursor.execute(statement)
