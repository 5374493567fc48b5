"""Property tests of the whole OpenAPI contract with schemathesis, bounded to fit CI.

Every operation gets a few generated requests; each response must match the documented status
codes, content types and schemas, and none may be a server error. (schemathesis' pytest plugin
does not load under this pytest, so the operations are driven with hypothesis directly.)
"""

from __future__ import annotations

import csv
import io

import pytest
import schemathesis
from fastapi.testclient import TestClient
from helpers import CONTACTS, READ, build_api_db, make_app
from hypothesis import HealthCheck, given, settings

from abm.published.contract import CONTRACT
from api.schemas import ACCOUNT_EXAMPLE

EXAMPLES = 8  # per operation: ~15 operations, a few seconds in all


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory):
    return build_api_db(tmp_path_factory.getbasetemp() / "api")[1]  # the session's database, built once


def test_openapi_contract(api_db):
    schema = schemathesis.openapi.from_asgi("/openapi.json", make_app(api_db))
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=2000,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            case.call_and_validate(headers=CONTACTS)

        check()
        checked.append(operation.label)
    assert "GET /accounts" in checked and len(checked) >= 12


def test_accounts_and_exports_serve_the_contract_columns(api_db):
    """What /accounts returns and /exports/targets.csv writes are the published accounts columns,
    all of them in contract order (``whitespace`` was once published but missing from the API)."""
    names = list(CONTRACT["accounts"].names)
    with TestClient(make_app(api_db)) as client:
        page = client.get("/accounts", params={"limit": 5}, headers=READ).json()
        csv_text = client.get("/exports/targets.csv", params={"tier": 1}, headers=READ).text
        schema = client.get("/openapi.json").json()["components"]["schemas"]["Account"]
    assert page["items"] and all(list(item) == names for item in page["items"])
    assert any(item["whitespace"] is not None for item in page["items"])
    assert next(csv.reader(io.StringIO(csv_text))) == names
    assert list(schema["properties"]) == names
    whitespace = schema["properties"]["whitespace"]
    assert whitespace["description"] == CONTRACT["accounts"].column("whitespace").description
    shown = {name for name in names if ACCOUNT_EXAMPLE[name] is not None}  # the docs leave out nulls
    assert set(schema["examples"][0]) == shown
