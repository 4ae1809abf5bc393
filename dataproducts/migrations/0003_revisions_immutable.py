"""A published revision is immutable: the database refuses to change or delete it, its rows and its contributions
(whoever tries, through the ORM, .update() or raw SQL). The one change allowed is published → withdrawn, when a
correction supersedes it. Also: each contribution keeps its share of each published row, for differencing checks."""

from django.db import migrations, models

SQL = """
CREATE FUNCTION dataproducts_revision_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'revision % is published and cannot be deleted', OLD.id USING ERRCODE = '23000';
    END IF;
    IF (NEW.product_id, NEW.number, NEW.period_from, NEW.period_to, NEW.definition_version, NEW.code_version,
        NEW.lineage, NEW.computed_at, NEW.published_at, NEW.published_by_id, NEW.corrects_id, NEW.comment,
        NEW.row_count, NEW.suppressed_count, NEW.enterprise_count, NEW.brain_id)
       IS DISTINCT FROM
       (OLD.product_id, OLD.number, OLD.period_from, OLD.period_to, OLD.definition_version, OLD.code_version,
        OLD.lineage, OLD.computed_at, OLD.published_at, OLD.published_by_id, OLD.corrects_id, OLD.comment,
        OLD.row_count, OLD.suppressed_count, OLD.enterprise_count, OLD.brain_id)
       OR NOT (NEW.status = OLD.status OR (OLD.status = 'published' AND NEW.status = 'withdrawn')) THEN
        RAISE EXCEPTION 'revision % is published and cannot be changed; publish a correction', OLD.id
            USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER dataproducts_revision_immutable BEFORE UPDATE OR DELETE ON dataproducts_revision
    FOR EACH ROW EXECUTE FUNCTION dataproducts_revision_immutable();

CREATE FUNCTION dataproducts_revision_part_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM dataproducts_revision
                                     WHERE id = OLD.revision_id AND status <> 'draft') THEN
        RAISE EXCEPTION 'revision % is published: its rows and contributions cannot change', OLD.revision_id
            USING ERRCODE = '23000';
    END IF;
    IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM dataproducts_revision
                                     WHERE id = NEW.revision_id AND status <> 'draft') THEN
        RAISE EXCEPTION 'revision % is published: its rows and contributions cannot change', NEW.revision_id
            USING ERRCODE = '23000';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$;

CREATE TRIGGER dataproducts_revisionrow_immutable BEFORE INSERT OR UPDATE OR DELETE ON dataproducts_revisionrow
    FOR EACH ROW EXECUTE FUNCTION dataproducts_revision_part_immutable();
CREATE TRIGGER dataproducts_contribution_immutable BEFORE INSERT OR UPDATE OR DELETE ON dataproducts_contribution
    FOR EACH ROW EXECUTE FUNCTION dataproducts_revision_part_immutable();
"""

REVERSE = """
DROP TRIGGER dataproducts_contribution_immutable ON dataproducts_contribution;
DROP TRIGGER dataproducts_revisionrow_immutable ON dataproducts_revisionrow;
DROP FUNCTION dataproducts_revision_part_immutable();
DROP TRIGGER dataproducts_revision_immutable ON dataproducts_revision;
DROP FUNCTION dataproducts_revision_immutable();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("dataproducts", "0002_components_offers_and_uses"),
    ]

    operations = [
        migrations.AddField(model_name="contribution", name="row_shares", field=models.JSONField(default=dict)),
        migrations.RunSQL(SQL, reverse_sql=REVERSE),
    ]
