# openapi-sha256: 29ab09aa386d320252e3a3731dc3dc994bcb4757842fc936c16e1860f98f0fdf
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
