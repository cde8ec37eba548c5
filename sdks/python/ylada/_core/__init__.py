# openapi-sha256: e13c54ccda2863e3f8068cb3a3b430560e5fa7fabaeb8c57745506ec47de8dfe
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
