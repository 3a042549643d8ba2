"""The fact store on every backend, with the test company imported (`tests.fact_db`)."""

from tests.fact_db import DATA, company, engine  # noqa: F401 - fixtures
