"""E-mail: parsing what arrives (MIME, charsets, HTML) and building what we send."""
