"""Test and local-development helpers (fake external APIs). Never imported by the app."""
