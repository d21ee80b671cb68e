"""Triggers and alarms (S7): the admin's collection (``admin``), the dry run (``admin``),
and the stream reaction that fires them (``firing``, with the actions in ``actions``)."""
