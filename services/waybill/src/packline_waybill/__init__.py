"""Waybill (송장): one courier tracking number per allocated bundle, from a number band."""
