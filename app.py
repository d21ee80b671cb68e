"""ServIT: the Chalice app. It wires blueprints and event handlers; it does no work."""

from chalice import Chalice

from chalicelib.api import (
    admin,
    calendars,
    consultations,
    contacts,
    events,
    form_pages,
    forms,
    gdpr,
    inbound,
    mail,
    organisations,
    parents,
    portal,
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
app.experimental_feature_flags.update({"BLUEPRINTS"})
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
)
for module in BLUEPRINTS:
    app.register_blueprint(module.bp)
