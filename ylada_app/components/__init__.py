"""Reusable UI pieces: the app shell, form fields, badges."""
