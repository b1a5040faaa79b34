-- Every count reads the organization's deltas by index; the compactor deletes them as it folds, and their dead rows
-- slow those reads until a vacuum. Autovacuum this small, busy table after a few thousand dead rows rather than after a
-- fifth of it (the default), without pausing (src/store/finding-counts.ts vacuums after a large fold itself).
ALTER TABLE finding_count_deltas SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
