"""Plans as code: plan files read into `Plan` values, linted, hashed, diffed and published.

`files` reads a TOML plan with Decimal numbers and reports every problem with file,
line and key path (`toml_lines` finds the lines; `texts` turns texts given per language
into default texts and the plan's translations); `diff` says what changed between
two versions; `versions` publishes plan versions into the database and chooses the
version in force. Must not evaluate pay (that is `payplan.core`) or read facts.
"""
