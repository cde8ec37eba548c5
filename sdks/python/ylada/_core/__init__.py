# openapi-sha256: 3d610b5235fb8690548b688dfd03b8e0bb1242820c615685c0d665372e7af5e3
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
