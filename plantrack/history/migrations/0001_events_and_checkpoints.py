# The events and checkpoints tables refuse UPDATE and DELETE (see plantrack.history.models).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ("history_event", "history_checkpoint")
# An UPDATE that writes back identical values changes nothing and is let through: Django's
# test-database restore (serialized_rollback) saves every row that way.
COLUMNS = {
    "history_event": (
        "id seq at actor_kind actor_id actor_organisation_id object_type object_id "
        "object_label plan_id item_id subject_user_id action changes reason public "
        "previous_hash hash"
    ).split(),
    "history_checkpoint": (
        "id seq first_seq head_hash merkle_root signed_at public_key signature"
    ).split(),
}

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION history_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the history is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def _postgres_forward(schema_editor):
    statements = [POSTGRES_FUNCTION]
    for table in TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION history_refuse_change();"
        )
    return statements


def _sqlite_forward(schema_editor):
    # plantrack_history_unlocked() is registered by plantrack.lib.sqlite on Plantrack's own
    # connections (false except while ``flush`` empties the whole database); any other
    # client lacks the function, so its UPDATE or DELETE fails as well.
    statements = []
    for table in TABLES:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS[table])
        for operation in ("UPDATE", "DELETE"):
            when = "NOT plantrack_history_unlocked()"
            if operation == "UPDATE":
                when += f" AND ({changed})"
            statements.append(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"WHEN {when} BEGIN "
                f"SELECT RAISE(ABORT, 'the history is append-only: {operation} on {table} "
                "is refused'); END;"
            )
    return statements


def _backward(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in TABLES]
        return [*drops, "DROP FUNCTION IF EXISTS history_refuse_change();"]
    return [f"DROP TRIGGER IF EXISTS {t}_no_{op} ;" for t in TABLES for op in ("update", "delete")]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgres_forward(schema_editor)
    elif vendor == "sqlite":
        statements = _sqlite_forward(schema_editor)
    else:
        raise RuntimeError(f"no append-only triggers written for {vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _backward(schema_editor):
        schema_editor.execute(statement, params=None)


def create_head(apps, schema_editor):
    apps.get_model("history", "Head").objects.get_or_create(pk=1)



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0005_orgs_versions_and_unique_names'),
        ('plans', '0007_plan_import_mapping'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(unique=True)),
                ('first_seq', models.PositiveBigIntegerField()),
                ('head_hash', models.CharField(max_length=64)),
                ('merkle_root', models.CharField(max_length=64)),
                ('signed_at', models.DateTimeField()),
                ('public_key', models.CharField(max_length=64)),
                ('signature', models.CharField(max_length=128)),
            ],
            options={
                'ordering': ['-seq'],
            },
        ),
        migrations.CreateModel(
            name='Head',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(unique=True, verbose_name='number')),
                ('at', models.DateTimeField(verbose_name='time')),
                ('actor_kind', models.CharField(choices=[('user', 'person'), ('system', 'system'), ('import', 'import')], max_length=10)),
                ('object_type', models.CharField(max_length=60)),
                ('object_id', models.CharField(max_length=40)),
                ('object_label', models.CharField(blank=True, max_length=300)),
                ('action', models.CharField(choices=[('imported', 'imported'), ('reimported', 'imported again'), ('created', 'created'), ('changed', 'changed'), ('progress_set', 'status or progress set'), ('retired', 'retired'), ('restored', 'restored'), ('added', 'added'), ('removed', 'removed'), ('submitted', 'submitted'), ('approved', 'approved'), ('returned', 'returned'), ('registered', 'registered'), ('verified', 'verified'), ('unverified', 'returned for verification'), ('requested', 'asked to join'), ('invited', 'invited'), ('accepted', 'accepted'), ('declined', 'declined'), ('role_changed', 'role changed'), ('roles_changed', 'roles changed'), ('erased', 'personal data erased')], max_length=20)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('reason', models.TextField(blank=True)),
                ('public', models.BooleanField(default=True)),
                ('previous_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64, unique=True)),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('actor_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisations.organisation')),
                ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.item')),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan')),
                ('subject_user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-seq'],
                'indexes': [models.Index(fields=['plan', '-seq'], name='history_event_plan'), models.Index(fields=['item', '-seq'], name='history_event_item'), models.Index(fields=['object_type', 'object_id', '-seq'], name='history_event_object')],
            },
        ),
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
