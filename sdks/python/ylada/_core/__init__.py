# openapi-sha256: b3e599e095df5b5bc3a3bdbb6a34a1fb8af079aca1622d0c32284b8b7e1d9505
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
