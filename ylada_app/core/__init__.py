"""Core plumbing: settings, database, crypto, security helpers and messages. No Reflex here."""
