-- The instant a read answers for, and the findings' last change at it, in one call (snapshot-clock.ts argues why the
-- instant is safe). A VOLATILE PL/pgSQL function runs each of its queries in a snapshot of its own, taken when the
-- query starts, so its steps happen in the order the argument needs: the store clock, then the leases granted at that
-- moment, then the last change, read in a snapshot taken after the leases (it sees every commit at or before the
-- instant, as a separate statement would). PL/pgSQL keeps the plans of its queries for the session: planning the read
-- of pg_locks cost more than running it.

-- The last instant at or before `at` when the organization's findings changed in any way a listing can see: a state
-- opened, a state closed, or a mute expired. Answers at `at` equal the answers at that instant (0: never changed).
-- PL/pgSQL rather than SQL, and one plan for every call, so that its three probes are planned once per session: a SQL
-- function's body is planned again on every call (0.3 ms, against 0.02 ms to run the probes). Each probe reads one
-- index entry backwards, a plan that suits every organization and instant, and the only one it may choose: where no
-- mute has an expiry yet, the column's statistics led the generic plan to a bitmap of every entry with two parallel
-- workers (6 ms), and without bitmaps to a scan of the table (225 ms at 1,000,000 findings).
CREATE FUNCTION steward_last_finding_change(org uuid, at bigint) RETURNS bigint LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN COALESCE(GREATEST(
    (SELECT valid_from FROM finding_states WHERE org_id = org AND valid_from <= at ORDER BY valid_from DESC LIMIT 1),
    (SELECT valid_to FROM finding_states WHERE org_id = org AND valid_to < 9223372036854775807 AND valid_to <= at
      ORDER BY valid_to DESC LIMIT 1),
    (SELECT mute_expires_at FROM finding_states WHERE org_id = org AND mute_expires_at IS NOT NULL AND mute_expires_at <= at
      ORDER BY mute_expires_at DESC LIMIT 1)), 0);
END
$$;

-- `at`: the instant requested (NULL: the latest), never past `safe`, the latest instant no commit in flight can still
-- change; `last_change`: steward_last_finding_change at `at` when asked for, else NULL.
CREATE FUNCTION steward_reading_instant(org text, requested bigint, with_last_change boolean,
    OUT at bigint, OUT safe bigint, OUT last_change bigint) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  clock bigint;
  oldest bigint;
BEGIN
  clock := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
  -- A lease's key holds its start modulo 2^32 (pg_locks shows it unsigned): the start nearest the clock.
  SELECT min(clock + ((l.objid::bigint - clock + 2147483648) % 4294967296 + 4294967296) % 4294967296 - 2147483648)
    INTO oldest
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
      AND l.classid::bigint = hashtext('steward-finding-lease:' || org)::bigint & 4294967295
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
  safe := CASE WHEN oldest IS NULL THEN clock ELSE LEAST(clock, oldest - 1) END;
  at := CASE WHEN requested IS NULL THEN safe ELSE LEAST(requested, safe) END;
  IF with_last_change THEN
    SELECT steward_last_finding_change(org::uuid, at) INTO last_change;
  END IF;
END
$$;
