# openapi-sha256: 123beef3b1dde90eae50ed61bda6d893eb2f11e9ff2d4afa49ea455424955225
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
