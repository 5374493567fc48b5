"""Property tests of the whole OpenAPI contract with schemathesis, bounded to fit CI.

Every operation gets a few generated requests; each response must match the documented status
codes, content types and schemas, and none may be a server error. (schemathesis' pytest plugin
does not load under this pytest, so the operations are driven with hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from helpers import CONTACTS, build_api_db, make_app
from hypothesis import HealthCheck, given, settings

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
