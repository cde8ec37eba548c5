# openapi-sha256: 6c85c81b2ece2e17dc1fa154bbe90c61d2852d369668c7c73bae67190760a961
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
