# openapi-sha256: ccbcc31306f7966071c86c8490cd91f00a4035e42d07d9f2f7da91c4aca23a60
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
