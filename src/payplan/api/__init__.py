"""payplan's HTTP API (Litestar + msgspec): one route module per domain.

Routes are split by domain (session, facts, plans, runs, results, statements,
simulate, audit); errors become RFC 9457 problem documents in one place
(`problems`); authentication, CSRF and the role guards are `auth`, the
transaction per request `db`. Handlers are thin: they call `payplan.access`,
`payplan.plans`, `payplan.runs`, `payplan.statements` and `payplan.simulation`.
The application that serves these routes next to the web pages is `payplan.app`.
Must not hold business rules, and must not import `payplan.web` (the pages build
on the API, never the reverse).
"""
