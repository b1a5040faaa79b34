-- The weights every resource was last re-inferred with: relearning re-marks the organization only when the new
-- weights have moved far enough from these.
ALTER TABLE ownership_settings ADD COLUMN weights_applied jsonb;
