"""Who may act: users, their roles and their credentials (API tokens, passwords).

`users` adds, finds and authenticates users and keeps only hashes of their secrets.
Must not decide what a role may do on a route (that is `payplan.api.auth`) and must
not know about runs, plans or facts.
"""
