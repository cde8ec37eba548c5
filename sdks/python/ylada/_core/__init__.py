# openapi-sha256: 05474cea033094b67c8d1d23a8704abda71485f36135159fd7b08d98e18cc4bd
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
