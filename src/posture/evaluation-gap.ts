// A (resource, rule) pair the rule could not judge: a field that decides it is absent from the resource's configuration,
// and no default of the rule holds for it. While the gap lasts the pair has no finding state ("not evaluated").

/** Which pair a gap is about. */
export interface GapKey {
  resource_id: string;
  rule_id: string;
}

export interface EvaluationGap extends GapKey {
  resource_type: string;
  /** Canonical dotted paths the rule needs and the configuration lacks, sorted. */
  missing_fields: string[];
  /** Where the resource version came from (import:terraform-state, api, ...), or null if not recorded. */
  source: string | null;
}

/** Whether a gap must be closed and opened again: what it lacks, or the source that lacked it, differs. */
export function gapChanged(a: EvaluationGap, b: EvaluationGap): boolean {
  return a.source !== b.source || a.resource_type !== b.resource_type || a.missing_fields.join('\n') !== b.missing_fields.join('\n');
}
