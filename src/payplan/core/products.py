"""Which products a commission or SPIFF pays on: its `products` list, less `exclude_products`.

With a `products` list, a credited deal whose product is in neither list is paid
0 and named in a warning, so a new product never pays nothing silently. Must not
compute bases or amounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from payplan.core.context import Ctx
from payplan.core.inputs import Deal
from payplan.core.plan import Commission, Spiff
from payplan.core.trace import N_

UNLISTED = N_("deal {deal}: product '{product}' is in neither products nor exclude_products of "
              "{component}, so it pays 0 there")


def pays_on(c: Commission | Spiff, product: str) -> bool:
    """Whether the component pays on a deal of `product`."""
    return (not c.products or product in c.products) and product not in c.exclude_products


def unlisted(c: Commission | Spiff, deal: Deal) -> bool:
    """A deal the component does not pay only because its product is listed nowhere."""
    return bool(c.products) and deal.product not in c.products and deal.product not in c.exclude_products


def warn_unlisted(c: Commission | Spiff, deals: Iterable[Deal], ctx: Ctx) -> None:
    """One warning per credited deal whose product neither list names (`unlisted`)."""
    for deal in deals:
        if unlisted(c, deal):
            ctx.warn("unlisted-product", UNLISTED, c.id, deal=deal.id, product=deal.product, component=c.id)
