"""Tables that become cards on a phone: each row a card, each cell labelled with its column."""

import django_tables2 as tables
from django_tables2.utils import AttributeDict


class StackedTable(tables.Table):
    """On a narrow screen (see .stacked in app.css) the header is hidden and every cell
    carries its column's name in `data-label`, so no column is left off-screen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs = AttributeDict({**self.attrs, "class": f"{self.attrs.get('class', '')} stacked".strip()})
        for bound in self.columns:
            cell = {**bound.column.attrs.get("td", {}), "data-label": str(bound.header)}
            bound.column.attrs = {**bound.column.attrs, "td": cell}
