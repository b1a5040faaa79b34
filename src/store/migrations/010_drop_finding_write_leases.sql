-- Write leases are transaction-scoped advisory locks now (src/store/snapshot-clock.ts): they end with their writer.
-- Rows left here by a writer that died would only have frozen listings.
DROP TABLE IF EXISTS finding_write_leases;
