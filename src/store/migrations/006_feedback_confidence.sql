-- The confidence the reviewed inference had: feedback labels calibrate the engine's confidence against it.
ALTER TABLE ownership_feedback ADD COLUMN confidence double precision;
