"""The evaluation pipeline on one screen: plan → facts → metrics → evaluate → output.

`pipeline` runs a plan over fact files or the service database (the metric SQL of
`payplan.store`, scoring by `payplan.core.engine`), period after period with carried
state; `report` encodes results as the JSON contract, a table or an explanation.
Runs, statements and simulations all take this one path. Must not store runs,
write audit rows or render documents.
"""
