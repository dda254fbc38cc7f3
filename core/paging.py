"""Pages of long lists that cost the same at 100 rows as at 100,000.

Django's Paginator counts every matching row (``COUNT(*)`` over the whole table) on
every page view. ``CappedPaginator`` counts at most ``cap + 1`` rows: a list longer than
that says "more than 1,000" and offers the first ``cap`` rows page by page, which is what
a person pages through before searching or filtering instead.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap`` when there are more (see ``capped``)."""
        # Without the ordering: any cap + 1 rows answer "more than cap?".
        seen = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.__dict__["capped"] = seen > self.cap
        return min(seen, self.cap)

    @cached_property
    def capped(self) -> bool:
        """True when the list has more rows than ``cap``."""
        self.count  # noqa: B018 - sets capped
        return self.__dict__["capped"]
