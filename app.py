"""ServIT: the Chalice app. It wires blueprints and event handlers; it does no work."""

from chalice import Chalice

from chalicelib.api import admin, contacts, session, tickets

app = Chalice(app_name="servit")
app.experimental_feature_flags.update({"BLUEPRINTS"})

for blueprint in (session.bp, tickets.bp, contacts.bp, admin.bp):
    app.register_blueprint(blueprint)
