"""The e-mail use cases: intake, threading, replies and acknowledgements, bounces, the mail log."""
