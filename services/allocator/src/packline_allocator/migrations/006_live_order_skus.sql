-- An allocation wave reads only the waiting bundles needing a SKU whose availability changed:
-- live orders are found by the SKUs they need (sku_lines ?| array).
CREATE INDEX bundle_orders_live_skus ON bundle_orders USING gin (sku_lines) WHERE status = 'LIVE';
