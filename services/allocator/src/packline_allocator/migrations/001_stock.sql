-- 할당 (allocation): on-hand stock per SKU, bundles waiting or allocated, and what is reserved.
CREATE TABLE stock (
    seller_id  text        NOT NULL,
    sku        text        NOT NULL,
    on_hand    integer     NOT NULL DEFAULT 0,
    allocated  integer     NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, sku),
    -- never oversold, never negative: the database refuses it whatever the code does
    CONSTRAINT stock_never_oversold CHECK (allocated >= 0 AND on_hand >= allocated)
);

CREATE TABLE bundles (
    bundle_id    uuid        PRIMARY KEY,
    seller_id    text        NOT NULL,
    status       text        NOT NULL DEFAULT 'WAITING'
                 CHECK (status IN ('WAITING', 'ALLOCATED', 'SHIPPED', 'CANCELLED')),
    paid_at      timestamptz NOT NULL,
    event        jsonb       NOT NULL,  -- the BundleFormed
    received_at  timestamptz NOT NULL DEFAULT now(),
    allocated_at timestamptz
);
CREATE INDEX bundles_waiting ON bundles (seller_id, paid_at) WHERE status = 'WAITING';

CREATE TABLE bundle_orders (
    order_uid  text  PRIMARY KEY,
    bundle_id  uuid  NOT NULL REFERENCES bundles (bundle_id),
    sku_lines  jsonb NOT NULL,  -- {"SKU": quantity, ...} this order needs
    status     text  NOT NULL DEFAULT 'LIVE' CHECK (status IN ('LIVE', 'CANCELLED', 'SHIPPED'))
);
CREATE INDEX bundle_orders_bundle ON bundle_orders (bundle_id);

CREATE TABLE reservations (
    order_uid text    NOT NULL REFERENCES bundle_orders (order_uid),
    seller_id text    NOT NULL,
    sku       text    NOT NULL,
    quantity  integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_uid, sku)
);
