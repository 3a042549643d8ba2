"""Facts in: fact files (CSV or JSON) read, checked row by row, and imported.

`files` turns a file into numbered raw records, `read` parses them into typed rows
(`rows`), `checks` checks references across files, `problems` names the file, row
and column of every problem, `imports` writes a checked `FactSet` into the fact
tables (idempotent, all-or-nothing per file) and `audited` does so on a user's
behalf with an audit row per file. Must not score, aggregate metrics or pay.
"""
