"""WhatsApp Cloud API: Graph API client, webhook verification and parsing."""
