// The instant a listing's cursor pins its pages to, and the point in time its first page was asked for. Pure.

/**
 * The instant a cursor pins its pages to: its first page's, and the `snapshot_timestamp` that page was asked for when
 * it was later than the instant it could read (a future instant reads at the present).
 */
export interface PinnedSnapshot {
  snapshot: number;
  asked?: number;
}

/** Only the pinned instant of a cursor's position, to spread into the next cursor beside its own position. */
export function pinOf(p: PinnedSnapshot): PinnedSnapshot {
  return p.asked !== undefined ? { snapshot: p.snapshot, asked: p.asked } : { snapshot: p.snapshot };
}

/** What a first page read at `at`, asked for `requested`, pins its cursor to. */
export function pinnedSnapshot(at: number, requested: number | undefined): PinnedSnapshot {
  return requested !== undefined && requested > at ? { snapshot: at, asked: requested } : { snapshot: at };
}
