"""Schemathesis against the API's own OpenAPI schema, over the sample archive: whatever the
schema allows (and, in its negative phase, what it does not), no request gets a server error.

The operations are driven from one test with Hypothesis (Schemathesis's lazy pytest fixture
does not run on this pytest), each operation its own bounded run."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error

from marsad.web import create_app

EXAMPLES = 25  # per operation and mode


def test_no_request_gets_a_server_error(sample_archive: Path) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(str(sample_archive), token="t0ken"))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/search", "/api/articles/{article_id}", "/api/ingest"}
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
            )
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(checks=[not_a_server_error])

            try:
                run()
            except Unsatisfiable:  # nothing invalid to send (no parameters): nothing to test
                assert mode is schemathesis.GenerationMode.NEGATIVE
