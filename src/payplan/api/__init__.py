"""payplan's HTTP API (Litestar + msgspec): `create_app(settings)` builds the app.

Routes are split by domain (session, facts, plans, runs, results, audit); errors
become RFC 9457 problem documents in one place (`problems`). Handlers are thin:
they call `payplan.users`, `payplan.plan_store`, `payplan.runs` and `payplan.audit`.
"""

from payplan.api.app import create_app

__all__ = ["create_app"]
