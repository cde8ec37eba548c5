"""Thin clients for the outside world: outbound HTTP for flows (later OpenAI, Stripe)."""
