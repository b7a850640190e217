"""Shipper (배송): scanning a parcel's label ships it, exactly once; cancels stop the scan."""
