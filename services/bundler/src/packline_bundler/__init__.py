"""Packline bundler service."""
