"""Transports: the WhatsApp Cloud API adapter and the simulator. No flow logic here."""
