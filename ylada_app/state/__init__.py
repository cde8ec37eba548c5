"""Shared Reflex state: the session (who is logged in, which tenant, which language)."""
