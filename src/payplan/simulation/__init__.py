"""HR simulation: what a proposed plan would have paid over past periods, next to the baseline.

`simulate` validates both plans and compares them; `scoring` loads metric values
once (stage 1) and scores a plan over them (stage 2, the tally's fast path where it
covers the plan); `pool` splits large scorings over worker processes; `report` and
`charts` render the comparison as JSON, CSV, HTML or PDF. Reads the database only,
never writes it, and never publishes a plan.
"""
