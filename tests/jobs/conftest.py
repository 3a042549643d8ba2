"""The migrated service database, its users, facts and plan (`tests.service_db`)."""

from tests.service_db import DATA, PLAN_TEXT, company, db_url, engine, tx  # noqa: F401 - fixtures
