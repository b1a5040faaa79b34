// Security findings automation rules: one row a rule, per organization and type, in `position` order.
import type { Queryable } from './db.js';
import type { FilterNode } from '../findings/filter-tree.js';
import { compileFilter, Params } from './findings-query.js';
import { OPEN_ENDED } from './finding-states.js';

export const AUTOMATION_RULE_TYPES = ['mute', 'severity', 'due_date', 'inbox', 'ticket'] as const;
export type AutomationRuleType = (typeof AUTOMATION_RULE_TYPES)[number];

export interface RuleActor {
  id: string;
  name: string;
}

export interface AutomationRuleRow {
  rule_id: string;
  rule_type: AutomationRuleType;
  name: string;
  enabled: boolean;
  position: number;
  finding_types: string[];
  query: string;
  action: Record<string, unknown>;
  created_at: number;
  created_by: RuleActor;
  modified_at: number;
  modified_by: RuleActor;
}

/** What a create or an update writes. */
export interface AutomationRuleFields {
  name: string;
  enabled: boolean;
  finding_types: string[];
  query: string;
  action: Record<string, unknown>;
}

/** A row as the driver gives it: bigints may come as strings, the actors as two columns each. */
type Row = Omit<AutomationRuleRow, 'created_at' | 'created_by' | 'modified_at' | 'modified_by'> & {
  created_at: string | number;
  created_by_id: string;
  created_by_name: string;
  modified_at: string | number;
  modified_by_id: string;
  modified_by_name: string;
};

const COLUMNS = `rule_id, rule_type, name, enabled, position, finding_types, query, action, created_at, created_by_id, created_by_name,
  modified_at, modified_by_id, modified_by_name`;

function fromRow(r: Row): AutomationRuleRow {
  return {
    rule_id: r.rule_id,
    rule_type: r.rule_type,
    name: r.name,
    enabled: r.enabled,
    position: Number(r.position),
    finding_types: r.finding_types,
    query: r.query,
    action: r.action,
    created_at: Number(r.created_at),
    created_by: { id: r.created_by_id, name: r.created_by_name },
    modified_at: Number(r.modified_at),
    modified_by: { id: r.modified_by_id, name: r.modified_by_name },
  };
}

/** $4..$11 of an insert or update: the fields, then the instant and who. */
function writtenValues(fields: AutomationRuleFields, actor: RuleActor, now: number): unknown[] {
  return [fields.name, fields.enabled, fields.finding_types, fields.query, JSON.stringify(fields.action), now, actor.id, actor.name];
}

/**
 * Serializes the writes of one organization's rules (positions stay dense: 0..n-1), and orders them against
 * evaluations, which read the rules under the shared form of the same lock (shareRuleLock): an evaluation either sees a
 * rule change or commits before the change's re-application looks for the findings it affects.
 */
async function lockRulesOf(tx: Queryable, orgId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('automation_rules:' || $1))`, [orgId]);
}

/** Held by an evaluation while it applies the organization's rules (see lockRulesOf). */
export async function shareRuleLock(tx: Queryable, orgId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared(hashtext('automation_rules:' || $1))`, [orgId]);
}

/** Adds a rule after the last of its type; `tx` is a transaction. */
export async function insertAutomationRule(
  tx: Queryable,
  orgId: string,
  ruleId: string,
  type: AutomationRuleType,
  fields: AutomationRuleFields,
  actor: RuleActor,
  now: number,
): Promise<AutomationRuleRow> {
  await lockRulesOf(tx, orgId);
  const rows = (
    await tx.query<Row>(
      `INSERT INTO automation_rules (org_id, rule_id, rule_type, name, enabled, position, finding_types, query, action,
         created_at, created_by_id, created_by_name, modified_at, modified_by_id, modified_by_name)
       SELECT $1, $2, $3, $4, $5, COALESCE(MAX(position) + 1, 0), $6::text[], $7, $8::jsonb, $9, $10, $11, $9, $10, $11
       FROM automation_rules WHERE org_id = $1 AND rule_type = $3
       RETURNING ${COLUMNS}`,
      [orgId, ruleId, type, ...writtenValues(fields, actor, now)],
    )
  ).rows;
  return fromRow(rows[0]!);
}

export async function getAutomationRule(
  db: Queryable,
  orgId: string,
  type: AutomationRuleType,
  ruleId: string,
): Promise<AutomationRuleRow | undefined> {
  const rows = (
    await db.query<Row>(`SELECT ${COLUMNS} FROM automation_rules WHERE org_id = $1 AND rule_type = $2 AND rule_id::text = $3`, [orgId, type, ruleId])
  ).rows;
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** One page of an organization's rules of a type, in their order, and how many there are. */
export async function listAutomationRules(
  db: Queryable,
  orgId: string,
  type: AutomationRuleType,
  limit: number,
  offset: number,
): Promise<{ rules: AutomationRuleRow[]; total: number }> {
  const rows = (
    await db.query<Row & { total: string | number }>(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM automation_rules WHERE org_id = $1 AND rule_type = $2
       ORDER BY position, rule_id LIMIT $3 OFFSET $4`,
      [orgId, type, limit, offset],
    )
  ).rows;
  const total =
    rows.length > 0
      ? Number(rows[0]!.total)
      : Number(
          (await db.query<{ n: string | number }>('SELECT count(*) AS n FROM automation_rules WHERE org_id = $1 AND rule_type = $2', [orgId, type]))
            .rows[0]!.n,
        );
  return { rules: rows.map(fromRow), total };
}

export async function updateAutomationRule(
  tx: Queryable,
  orgId: string,
  type: AutomationRuleType,
  ruleId: string,
  fields: AutomationRuleFields,
  actor: RuleActor,
  now: number,
): Promise<AutomationRuleRow | undefined> {
  await lockRulesOf(tx, orgId);
  const rows = (
    await tx.query<Row>(
      `UPDATE automation_rules SET name = $4, enabled = $5, finding_types = $6::text[], query = $7, action = $8::jsonb,
         modified_at = $9, modified_by_id = $10, modified_by_name = $11
       WHERE org_id = $1 AND rule_type = $2 AND rule_id::text = $3
       RETURNING ${COLUMNS}`,
      [orgId, type, ruleId, ...writtenValues(fields, actor, now)],
    )
  ).rows;
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Deletes a rule and closes the gap it leaves in the order; false when there was none. */
export async function deleteAutomationRule(tx: Queryable, orgId: string, type: AutomationRuleType, ruleId: string): Promise<boolean> {
  await lockRulesOf(tx, orgId);
  const deleted = (
    await tx.query<{ position: number }>(
      'DELETE FROM automation_rules WHERE org_id = $1 AND rule_type = $2 AND rule_id::text = $3 RETURNING position',
      [orgId, type, ruleId],
    )
  ).rows[0];
  if (!deleted) return false;
  await tx.query('UPDATE automation_rules SET position = position - 1 WHERE org_id = $1 AND rule_type = $2 AND position > $3', [
    orgId,
    type,
    deleted.position,
  ]);
  return true;
}

/** The ids of an organization's rules of a type, in their order, locked against other writers of them. */
export async function lockedRuleOrder(tx: Queryable, orgId: string, type: AutomationRuleType): Promise<string[]> {
  await lockRulesOf(tx, orgId);
  return (
    await tx.query<{ rule_id: string }>('SELECT rule_id FROM automation_rules WHERE org_id = $1 AND rule_type = $2 ORDER BY position, rule_id', [
      orgId,
      type,
    ])
  ).rows.map((r) => r.rule_id);
}

/** Gives each rule its index in `ruleIds` as position (the caller checked they are exactly the type's rules). */
export async function writeRuleOrder(tx: Queryable, orgId: string, type: AutomationRuleType, ruleIds: string[]): Promise<void> {
  await tx.query(
    `UPDATE automation_rules r SET position = o.ord - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS o(rule_id, ord)
     WHERE r.org_id = $1 AND r.rule_type = $2 AND r.rule_id = o.rule_id`,
    [orgId, type, ruleIds],
  );
}

/**
 * The findings whose current state matches `filter` (judged at `at`: a mute expired by then reads as unmuted), by id;
 * only among `among` when given (a caller that locked those states judges them again).
 */
export async function currentFindingsMatching(db: Queryable, orgId: string, filter: FilterNode, at: number, among?: string[]): Promise<string[]> {
  const p = new Params();
  const org = p.add(orgId);
  const atP = p.add(at);
  const where = compileFilter(filter, p, atP);
  const restrict = among === undefined ? '' : ` AND finding_id = ANY(${p.add(among)}::text[])`;
  return (
    await db.query<{ finding_id: string }>(
      // `IS NOT NULL` types the instant's parameter, which a filter without a mute clause leaves unused.
      `SELECT finding_id FROM finding_states WHERE org_id = ${org} AND valid_to = ${OPEN_ENDED} AND ${atP}::bigint IS NOT NULL AND ${where}${restrict}
       ORDER BY finding_id`,
      p.values,
    )
  ).rows.map((r) => r.finding_id);
}

/** An organization's enabled rules of a type, in their order. */
export async function enabledRulesInOrder(db: Queryable, orgId: string, type: AutomationRuleType): Promise<AutomationRuleRow[]> {
  return (
    await db.query<Row>(`SELECT ${COLUMNS} FROM automation_rules WHERE org_id = $1 AND rule_type = $2 AND enabled ORDER BY position, rule_id`, [
      orgId,
      type,
    ])
  ).rows.map(fromRow);
}

/** The findings whose current state carries a severity modifier or due date rule's mark, by id. */
export async function currentFindingsWithAutomation(db: Queryable, orgId: string): Promise<string[]> {
  return (
    await db.query<{ finding_id: string }>(
      `SELECT finding_id FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN_ENDED} AND automation IS NOT NULL ORDER BY finding_id`,
      [orgId],
    )
  ).rows.map((r) => r.finding_id);
}
