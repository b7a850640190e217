"""Collector (주문수집): orders enter Packline here, once each."""
