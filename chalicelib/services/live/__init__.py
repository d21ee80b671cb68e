"""Live lists (issue 15): small notices pushed to the agents' browsers when a ticket they may
see changes, so open lists and counts refresh within a second or two without polling.

- ``ports``: where connections are kept and how a notice reaches one (API Gateway's
  WebSocket management API in AWS, the local front door's sockets locally).
- ``audience``: who may hear of a change (pure): the ticket's agent, its group's members,
  dispatchers and admins; before and after an assignment.
- ``connections``: a browser connects (the REST API's token, verified here) or leaves.
- ``fanout``: the TicketEvents stream consumer's step: one notice per changed ticket to the
  connections of its audience; connections that are gone are dropped.
"""
