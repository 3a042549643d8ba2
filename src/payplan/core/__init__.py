"""The pure domain of payplan: plans, periods, money, metrics and the evaluation engine.

Imports only the standard library and msgspec. No database, HTTP, templates, clock,
environment or files: everything that touches the outside world is an adapter around
this package. Errors are returned as `Issue` values, not raised.
"""
