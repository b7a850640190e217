"""Packline shipper service."""
