"""Alembic migrations of payplan's database (fact and service tables).

Run them with `payplan db upgrade` (or `payplan.store.migrate.upgrade(url)`): the
Alembic configuration is built in code, no alembic.ini is needed. Revisions in
`versions/` are frozen once released; a schema change is a new revision.
"""
