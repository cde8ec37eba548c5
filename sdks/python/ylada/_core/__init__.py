# openapi-sha256: c28d617c295b3bc90b4c3bb8b88c600c30acca7ecf7a57c6b986f777d1f6a219
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
