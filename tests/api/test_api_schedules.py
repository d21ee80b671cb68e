"""Scheduled activities over HTTP (S1): admin CRUD, reasons for refusals, the next
occurrences, and the Scheduler kept in step (and a failed Scheduler call repaired by a
retry of the same PUT)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.adapters.memory_scheduler import RecordingScheduler
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from tests.api.apiclient import Api, assert_error
from tests.calendar_data import office_hours
from tests.support import FrozenClock
from tests.unit.rules.desk import make_template

BACKUP: dict[str, Any] = {
    "name": "Backupkontroll",
    "template_id": "faktura",
    "title": "Kontrollera backup {date}",
    "cron": "cron(0 9 ? * MON-FRI *)",
    "time_zone": "Europe/Stockholm",
}


@pytest.fixture
def timers(svc: Services) -> RecordingScheduler:
    svc.scheduler = RecordingScheduler()
    return svc.scheduler


@pytest.fixture
def admin(api: Api, svc: Services, people: dict[str, User], timers: RecordingScheduler) -> Api:
    make_template(svc, people["admin"])
    return api.as_user("admin")


def test_an_admin_creates_reads_changes_and_deletes_an_activity_and_its_timer(
    admin: Api, timers: RecordingScheduler
) -> None:
    created = admin.post("/api/admin/schedules", BACKUP)
    assert created.status == 201, created.body
    activity_id = created.body["id"]
    assert created.body["closed_days"] == "skip" and created.body["enabled"] is True
    assert timers.timers[activity_id].cron == "cron(0 9 ? * MON-FRI *)"

    listed = admin.get("/api/admin/schedules").body["items"]
    assert [a["id"] for a in listed] == [activity_id]
    assert listed[0]["next"]

    changed = admin.put(
        f"/api/admin/schedules/{activity_id}", {**BACKUP, "cron": "0 7 ? * 2 *", "enabled": False}
    )
    assert changed.status == 200, changed.body
    assert admin.get(f"/api/admin/schedules/{activity_id}").body["cron"] == "cron(0 7 ? * 2 *)"
    assert timers.timers[activity_id].enabled is False

    assert admin.delete(f"/api/admin/schedules/{activity_id}").body == {"deleted": activity_id}
    assert activity_id not in timers.timers
    assert_error(admin.get(f"/api/admin/schedules/{activity_id}"), 404, "not_found")


def test_the_next_occurrences_are_shown_in_order_with_moves_marked(
    admin: Api, clock: FrozenClock
) -> None:
    clock.now = datetime(2026, 12, 23, 12, tzinfo=UTC)
    assert admin.post("/api/admin/calendars", office_hours()).status == 201
    body = {**BACKUP, "id": "dagligen", "cron": "cron(0 9 * * ? *)", "calendar_id": "kontor",
            "closed_days": "next_open"}  # fmt: skip
    assert admin.post("/api/admin/schedules", body).status == 201

    shown = admin.get("/api/admin/schedules/dagligen/occurrences?count=4").body

    assert [o["at"][:16] for o in shown["items"]] == [
        "2026-12-24T08:00", "2026-12-28T08:00", "2026-12-28T08:00", "2026-12-28T08:00",
    ]  # fmt: skip
    assert [o["moved"] for o in shown["items"]] == [False, True, True, True]
    assert_error(admin.get("/api/admin/schedules/dagligen/occurrences?count=0"), 422)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"cron": "cron(0 9 * * * *)"}, "'?'"),
        ({"cron": "cron(0 25 * * ? *)"}, "hours"),
        ({"time_zone": "Europe/Stokholm"}, "time_zone"),
        ({"template_id": "saknas"}, "template_id"),
        ({"response_point_id": "saknas"}, "response_point_id"),
        ({"group_id": "it-desk"}, "another response point"),
        ({"agent_id": "saknas"}, "agent_id"),
        ({"calendar_id": "saknas"}, "calendar_id"),
        ({"closed_days": "sometimes"}, "closed_days"),
        ({"starts": "2026-06-10", "ends": "2026-06-01"}, "before starts"),
        ({"title": "Backup {vecka}"}, "placeholders"),
        ({"name": ""}, "name"),
        ({"colour": "red"}, "unknown fields"),
        ({"id": "Inte Ett Id"}, "id"),
    ],
)
def test_a_bad_activity_is_refused_with_422_and_the_reason(
    admin: Api, timers: RecordingScheduler, change: dict[str, Any], reason: str
) -> None:
    reply = admin.post("/api/admin/schedules", {**BACKUP, **change})
    assert_error(reply, 422, "invalid")
    assert reason in reply.body["message"]
    assert admin.get("/api/admin/schedules").body["items"] == []
    assert timers.timers == {}


def test_unknown_and_duplicate_activities(admin: Api) -> None:
    assert_error(admin.get("/api/admin/schedules/nope"), 404, "not_found")
    assert_error(admin.put("/api/admin/schedules/nope", BACKUP), 404, "not_found")
    assert_error(admin.delete("/api/admin/schedules/nope"), 404, "not_found")
    assert_error(admin.get("/api/admin/schedules/nope/occurrences"), 404, "not_found")
    assert admin.post("/api/admin/schedules", {**BACKUP, "id": "backup"}).status == 201
    assert_error(admin.post("/api/admin/schedules", {**BACKUP, "id": "backup"}), 409)


def test_when_the_scheduler_fails_the_answer_is_503_and_the_same_put_repairs_it(
    admin: Api, timers: RecordingScheduler
) -> None:
    # Given the Scheduler is down when an activity is created
    timers.failing = True
    reply = admin.post("/api/admin/schedules", {**BACKUP, "id": "backup"})
    assert_error(reply, 503, "scheduler_unavailable")
    assert "PUT" in reply.body["message"]
    # The activity is saved (Config is the truth), its timer is not
    assert admin.get("/api/admin/schedules/backup").status == 200
    assert timers.timers == {}

    # When it is back, the same body PUT again arms the timer
    timers.failing = False
    assert admin.put("/api/admin/schedules/backup", BACKUP).status == 200
    assert timers.timers["backup"].cron == BACKUP["cron"]

    # A delete while it is down changes nothing, and can be repeated
    timers.failing = True
    assert_error(admin.delete("/api/admin/schedules/backup"), 503)
    assert admin.get("/api/admin/schedules/backup").status == 200
    timers.failing = False
    assert admin.delete("/api/admin/schedules/backup").status == 200
    assert timers.timers == {}


def test_only_admins_keep_scheduled_activities(api: Api, admin: Api) -> None:
    assert admin.post("/api/admin/schedules", {**BACKUP, "id": "backup"}).status == 201
    for user in ("agent1", "dispatcher"):
        other = api.as_user(user)
        assert_error(other.get("/api/admin/schedules"), 403, "forbidden")
        assert_error(other.post("/api/admin/schedules", BACKUP), 403, "forbidden")
        assert_error(other.get("/api/admin/schedules/backup/occurrences"), 403, "forbidden")
        assert_error(other.delete("/api/admin/schedules/backup"), 403, "forbidden")
    assert admin.get("/api/admin/schedules/backup").status == 200


def test_the_timer_function_makes_the_ticket_once(
    admin: Api, svc: Services, clock: FrozenClock
) -> None:
    from chalicelib.api.schedules import handle

    assert admin.post("/api/admin/schedules", {**BACKUP, "id": "backup"}).status == 201
    clock.now = datetime(2026, 6, 1, 7, 0, 3, tzinfo=UTC)  # Monday 09:00:03 in Stockholm
    event = {"activity_id": "backup", "scheduled": "2026-06-01T07:00:00Z"}
    first = handle(event)
    assert first["outcome"] == "created"
    assert handle(event) == {"outcome": "duplicate", "ticket_id": None}
    ticket = admin.get(f"/api/tickets/{first['ticket_id']}").body
    assert ticket["channel"] == "scheduled"
