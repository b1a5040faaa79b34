// The states an inference is in: suggested (inferred), persisted or overridden (by a review), failed (could not be
// computed), unknown (no owner found). The wire, the query language and the store speak these words.

export const INFERENCE_STATUSES = ['suggested', 'persisted', 'overridden', 'failed', 'unknown'] as const;
