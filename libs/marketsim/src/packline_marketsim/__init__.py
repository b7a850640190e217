"""A marketplace simulator: Coupang WING and Naver Commerce as real HTTP APIs, per seller account.

It stands for the outside world, so it imports no Packline package but the simulators' harness
(`packline_simkit`); the collector reaches it only over HTTP, exactly as it reaches the real
marketplaces.
"""
