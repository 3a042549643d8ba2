"""The monthly run: create, recompute, submit, approve, reject, pay, adjust, read.

`lifecycle` moves a run through its states with segregation of duties, `recompute`
re-evaluates a draft (a regular or an adjustment run), `evaluation` scores one
period on the service database, `adjustments` pays the delta of a corrected run,
`rows` is the shape a run is read as, and `views` reads results with ownership
enforced in SQL. Must not render statements or serve HTTP.
"""
