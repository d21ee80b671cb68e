"""ServIT: the Chalice app. It wires blueprints and event handlers; it does no work."""

from typing import Any

from chalice import Chalice
from chalice.app import WebsocketEvent

from chalicelib.api import (
    admin,
    bulk,
    calendars,
    consultations,
    contacts,
    events,
    form_pages,
    forms,
    gdpr,
    inbound,
    live,
    mail,
    organisations,
    parents,
    portal,
    quick_search,
    rules,
    schedules,
    searches,
    session,
    sms,
    social,
    stats,
    templates,
    tickets,
    triggers,
    ui,
    workflow,
)
from chalicelib.api.observability import middleware as observability

app = Chalice(app_name="servit")
app.experimental_feature_flags.update({"BLUEPRINTS", "WEBSOCKETS"})
# Logger context + correlation id, EMF metrics, X-Ray: every route and event handler.
app.register_middleware(observability)
# Raw mail and files go out as binary; portal uploads (multipart) come in as binary, or API
# Gateway would mangle their bytes.
app.api.binary_types.extend(
    ["message/rfc822", "application/pdf", "image/webp", "multipart/form-data"]
)
app.api.binary_types.append("application/zip")  # issue 14: a contact's export archive

BLUEPRINTS = (
    session,
    tickets,
    contacts,
    organisations,
    admin,
    mail,
    portal,
    inbound,
    events,
    ui,
    templates,
    rules,
    searches,
    calendars,
    workflow,
    schedules,
    consultations,
    parents,
    sms,
    social,
    triggers,
    forms,
    form_pages,
    stats,
    gdpr,
    bulk,  # issue 15: bulk change and undo from every list
    live,  # issue 15: live lists (GET /api/live; the WebSocket API's $connect/$disconnect)
    quick_search,  # issue 15: the top-bar search (GET /api/search)
)
for module in BLUEPRINTS:
    app.register_blueprint(module.bp)


# Issue 15, live lists: the WebSocket API's connect and disconnect (chalicelib/api/live.py).
@app.on_ws_connect(name="websocket_connect")
def websocket_connect(event: WebsocketEvent) -> dict[str, Any]:
    return live.ws_connect(event)


@app.on_ws_disconnect(name="websocket_disconnect")
def websocket_disconnect(event: WebsocketEvent) -> None:
    live.ws_disconnect(event)
