"""Shared plumbing for Packline services; knows no service and no stage's domain."""
