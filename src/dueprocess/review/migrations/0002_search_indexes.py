"""Expression indexes behind the console's search (see dueprocess.review.search).

They sit on tables of the ``demands`` app but exist only for the console's queries, so they
are created here, per database vendor, where the queries that must match them live. Model
state is untouched (RunPython), so ``makemigrations`` of either app never sees them.
"""

from typing import Any

from django.db import migrations

POSTGRESQL = (
    ("review_target_ident_key",
     "demands_target (left(identifier, 255) text_pattern_ops)"),
    ("review_demand_ref_upper", "demands_demand (upper(reference) text_pattern_ops)"),
    ("review_official_name_upper", "demands_official (upper(name) text_pattern_ops)"),
)
SQLITE = (
    ("review_target_ident", "demands_target (identifier)"),
    ("review_demand_ref_upper", "demands_demand (UPPER(reference))"),
    ("review_official_name_upper", "demands_official (UPPER(name))"),
)


def _indexes(vendor: str) -> tuple[tuple[str, str], ...]:
    return POSTGRESQL if vendor == "postgresql" else SQLITE if vendor == "sqlite" else ()


def create(apps: Any, schema_editor: Any) -> None:
    for name, target in _indexes(schema_editor.connection.vendor):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps: Any, schema_editor: Any) -> None:
    for name, _ in _indexes(schema_editor.connection.vendor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("demands", "0003_finding_history"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
