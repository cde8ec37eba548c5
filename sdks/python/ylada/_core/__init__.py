# openapi-sha256: 1fc84953e7c15fc176920aa8012d7a123f83e738580c31fd072a017ea1666e8e
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
