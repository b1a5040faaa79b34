-- What reviewers said of each piece of evidence naming an owner (a catalog entry, a mapping, a principal, ...):
-- incremented by each label in its own transaction, so concurrent reviews never lose a count.
CREATE TABLE ownership_piece_labels (
  org_id       uuid NOT NULL,
  slot         text NOT NULL CHECK (slot IN ('team', 'user', 'service')),
  piece        text NOT NULL,
  handle       text NOT NULL,
  right_count  integer NOT NULL DEFAULT 0,
  wrong_count  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, slot, piece, handle)
);

-- The inferences resting on a piece of evidence (votes @> '[{"piece": ...}]'): a review reaches them at once.
CREATE INDEX ownership_inferences_votes ON ownership_inferences USING gin (votes jsonb_path_ops);

-- The newest change of an organization's answers, read by the periodic refit to tell whether anything moved.
CREATE INDEX ownership_inferences_changed ON ownership_inferences (org_id, updated_at);
