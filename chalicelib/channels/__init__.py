"""Channels: each turns what arrives on it into the one InboundMessage (channels/message)
that the intake files, and builds what goes out on it. E-mail in channels/email/, SMS in
channels/sms.py, web forms in channels/webform.py, Facebook and X in channels/social/."""
