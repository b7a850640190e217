"""Packline allocator service."""
