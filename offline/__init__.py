"""Offline services: local stores and sync (pure Python, no Qt)."""
