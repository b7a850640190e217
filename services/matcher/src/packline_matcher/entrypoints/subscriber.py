"""Matcher subscription: collected orders and cancellations."""

from packline_contracts import ConsumerGroup, OrderCancelled, OrderCollected, OrderMatched, Topic
from packline_matcher.service_layer import use_cases
from packline_runtime.consumer import Subscription


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.MATCHER,
        topics=(Topic.ORDER_COLLECTED, Topic.ORDER_CANCELLED),
        accepts=(OrderCollected, OrderCancelled),
        handle=use_cases.handle_events,
        description="매칭: resolves order lines to SKUs; unmatched orders wait for a mapping.",
        publishes=(OrderMatched,),
    )
