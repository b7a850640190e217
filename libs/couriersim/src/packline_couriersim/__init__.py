"""A courier API simulator: booking with number issue (송장 발행), address sorting codes
(분류코드) and tracking, per courier account, over real HTTP.

It stands for the outside world, so it imports no Packline package but the simulators' harness
(`packline_simkit`); the waybill service reaches it only over HTTP, exactly as it would reach a
courier's API.
"""
