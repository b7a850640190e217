"""Packline matcher service."""
