"""Bulk change on DynamoDB Local (issue 15): the tickets read in one BatchGetItem, each
written in one transaction, and an undo that costs the same."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.adapters.config_cache import CachedConfigRepository
from chalicelib.services.context import Services


def test_bulk_assign_of_twenty_tickets_reads_them_in_one_batch(dynamo_services: Services) -> None:
    from bench.counting import RequestCounter
    from chalicelib.adapters.dynamodb.models import ALL_MODELS
    from chalicelib.services import tickets
    from chalicelib.services.bulk import use_cases
    from tests.support import seed_helpdesk

    # Given twenty tickets in the first line's pool, on DynamoDB, with the config cached
    # per container as the API has it (bootstrap: CachedConfigRepository)
    svc = replace(dynamo_services, config=CachedConfigRepository(dynamo_services.config, 60))
    people = seed_helpdesk(svc)
    ids = [
        tickets.create_ticket(
            svc, people["agent1"], {"title": f"Bulk {n}", "group_id": "kt-first"}
        ).id
        for n in range(20)
    ]
    counter = RequestCounter()
    counter.attach_models(ALL_MODELS)

    def cost(action: Any) -> tuple[Any, dict[str, int], dict[str, int]]:
        before = counter.usage()
        result = action()
        used = counter.usage().minus(before)
        return result, used.by_operation(), dict(used.requests)

    # When the dispatcher assigns them all to agent2, and undoes it
    done, assign_ops, assign_requests = cost(
        lambda: use_cases.bulk_change(
            svc, people["dispatcher"], {"ids": ids, "changes": {"agent_id": "agent2"}}
        )
    )
    items = [{"id": o.ticket_id, "version": o.ticket.version, "changes": o.before} for o in done]
    undone, undo_ops, _ = cost(lambda: use_cases.undo(svc, people["dispatcher"], {"items": items}))
    print({"assign": assign_requests, "undo": undo_ops})

    # Then all are done; the tickets are read in one BatchGetItem, never one GetItem each,
    # and each is written in one transaction (its change and its history event together)
    assert all(o.ok for o in done) and all(o.ok for o in undone)
    for ops in (assign_ops, undo_ops):
        assert "Scan" not in ops
        assert ops["BatchGetItem"] == 1
        assert ops["TransactWriteItems"] == 20
    # and the Config reads (response point, group, agent, settings) once, not per ticket
    assert assign_ops.get("GetItem", 0) <= 6 and undo_ops.get("GetItem", 0) <= 6
    ticket_gets = [k for k in assign_requests if k.startswith("GetItem") and "Ticket" in k]
    assert ticket_gets == []


def test_get_many_finds_tickets_by_id_and_leaves_out_missing_ones(any_services: Services) -> None:
    from chalicelib.services import tickets
    from tests.support import seed_helpdesk

    # Given two tickets
    people = seed_helpdesk(any_services)
    made = [
        tickets.create_ticket(any_services, people["agent1"], {"title": f"Läs {n}"})
        for n in range(2)
    ]

    # When they are read together with an id that names nothing (and one twice)
    found = any_services.tickets.get_many([made[0].id, "01NOSUCHTICKET", made[1].id, made[0].id])

    # Then both are there, as stored (version and all), and nothing else
    assert set(found) == {made[0].id, made[1].id}
    assert found[made[1].id].title == "Läs 1" and found[made[1].id].version == made[1].version
