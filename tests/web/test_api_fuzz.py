"""schemathesis against the app's own OpenAPI description, on a real server over the example pages: requests made
up from the description get no server error (5xx), and every answer is one the description announces (status,
media type, headers, body schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    CheckFunction,
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err, Ok
from support.liveserver import LiveServer, live_server
from support.published_data import EXAMPLE_PAGES, ingest_and_dump

# Whether a made-up request is accepted (SPARQL text, IRIs, file names drawn at random rarely are) is the
# description's business to say loosely; what the server answers must match it exactly.
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    ingest_and_dump(data, EXAMPLE_PAGES)
    # A short deadline keeps a made-up query that happens to be costly from holding the run.
    with live_server(data, env={"ATLAS_LD_QUERY_TIMEOUT": "5"}) as running:
        yield running


def fuzz(server: LiveServer, checks: list[CheckFunction]) -> dict[str, str]:
    """Every operation of the description the server gives, fuzzed: the report of each one that failed a check.

    Hypothesis stops an operation at its first failure, so each property gets a run of its own.
    """
    api = schemathesis.openapi.from_url(server.url + "/openapi.json")
    results = list(api.get_all_operations())
    assert not [r.err() for r in results if isinstance(r, Err)], "the description does not read as OpenAPI"
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) >= 15
    failures: dict[str, str] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_to_it(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks, timeout=30)

        try:
            keeps_to_it()
        except (Exception, BaseExceptionGroup) as error:  # checks fail as a group; a transport error is one too
            failures[operation.label] = str(error)
    return failures


def report(failures: dict[str, str]) -> str:
    return "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())


def test_no_request_makes_a_server_error(server: LiveServer) -> None:
    failures = fuzz(server, [not_a_server_error])
    assert not failures, report(failures)


def test_every_answer_is_one_the_description_announces(server: LiveServer) -> None:
    failures = fuzz(server, CONFORMANCE)
    assert not failures, report(failures)
