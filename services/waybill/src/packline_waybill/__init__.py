"""Packline waybill service."""
