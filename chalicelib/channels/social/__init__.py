"""Facebook Messenger and X direct messages: verifying the platforms' webhook requests and
turning what they deliver into the one ``InboundMessage`` (issue 13).

``facebook`` and ``x`` know each platform's handshake, signature and payload; ``common``
holds what both share (the constant-time check, the message wrapper)."""
