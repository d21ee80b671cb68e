"""ServIT: the Chalice app. It wires blueprints and event handlers; it does no work."""

from chalice import Chalice

from chalicelib.api import (
    admin,
    calendars,
    contacts,
    events,
    inbound,
    mail,
    portal,
    rules,
    searches,
    session,
    templates,
    tickets,
    ui,
)

app = Chalice(app_name="servit")
app.experimental_feature_flags.update({"BLUEPRINTS"})
# Raw mail and files go out as binary; portal uploads (multipart) come in as binary, or API
# Gateway would mangle their bytes.
app.api.binary_types.extend(
    ["message/rfc822", "application/pdf", "image/webp", "multipart/form-data"]
)

BLUEPRINTS = (
    session,
    tickets,
    contacts,
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
)
for module in BLUEPRINTS:
    app.register_blueprint(module.bp)
