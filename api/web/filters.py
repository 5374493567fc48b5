"""The target list's filters from a form's query string, into the API's own filter model.

The workspace filters with exactly the API's code (api.schemas.AccountFilters → api.queries.account_where):
one filter, two front ends. A form sends empty fields for "any"; those are dropped here."""

from __future__ import annotations

import typing
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from api.schemas import AccountFilters
from api.web.errors import Label, WebError


def _is_list(name: str) -> bool:
    return typing.get_origin(AccountFilters.model_fields[name].annotation) is list


def parse_filters(params: QueryParams, **fixed: object) -> AccountFilters:
    """AccountFilters from the query string (blank = any); ``fixed`` values override (whitespace page)."""
    data: dict[str, object] = {}
    for name in AccountFilters.model_fields:
        values = [v.strip() for v in params.getlist(name) if v.strip()]
        if values:
            data[name] = values if _is_list(name) else values[0]
    data.update(fixed)
    try:
        return AccountFilters.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise WebError(400, "bad_filter_detail", field=Label(str(first["loc"][0]))) from None


def query_string(params: QueryParams, **changes: object) -> str:
    """The current filters' query string with some parameters changed (page, sort); None drops one."""
    kept = [(k, v) for k, v in params.multi_items() if k not in changes and v != ""]
    for k, v in changes.items():
        if v is not None:
            kept += [(k, str(x)) for x in v] if isinstance(v, list) else [(k, str(v))]
    return urlencode(kept)
