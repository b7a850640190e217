"""The collector listens for Shipped, so an order's status here says whether it left."""

from packline_collector.service_layer import use_cases
from packline_contracts import ConsumerGroup, OrderCancelled, OrderCollected, Shipped, Topic
from packline_runtime.consumer import Subscription


def subscription() -> Subscription:
    return Subscription(
        group=ConsumerGroup.COLLECTOR,
        topics=(Topic.SHIPPED,),
        accepts=(Shipped,),
        handle=use_cases.note_shipped,
        description="Marks collected orders as shipped (출고완료).",
        publishes=(
            OrderCollected,
            OrderCancelled,
        ),
    )
