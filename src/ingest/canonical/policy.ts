// IAM-style policy documents, flattened the way Datadog's catalog exposes them (bucket_policy_statement).
import { compact, isRecord, parsePolicy, type Json } from './values.js';
import { ownEntry } from '../../own-entry.js';

function strings(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

function principal(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { principal: value };
  if (!isRecord(value)) return undefined;
  // {"AWS": "*"} is as public as "*": say so where the rules look (`principal`).
  const everyone = Object.values(value).some((v) => v === '*' || (Array.isArray(v) && v.includes('*')));
  return compact({
    principal: everyone ? '*' : undefined,
    principal_aws: strings(value.AWS),
    principal_service: strings(value.Service),
    principal_federated: strings(value.Federated),
    principal_canonical_user: strings(value.CanonicalUser),
  });
}

/** A policy (object or JSON string) -> one flat entry per statement; [] when there is no policy. */
export function policyStatements(policy: unknown, extra: Json = {}): Json[] {
  const document = parsePolicy(policy);
  if (!document) return [];
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.filter(isRecord).map((statement, index) =>
    compact({
      ...extra,
      policy_id: typeof document.Id === 'string' ? document.Id : undefined,
      statement_id: index + 1,
      statement_sid: typeof statement.Sid === 'string' ? statement.Sid : undefined,
      statement_effect: typeof statement.Effect === 'string' ? statement.Effect : undefined,
      statement_action: strings(statement.Action),
      statement_not_action: strings(statement.NotAction),
      statement_resource: strings(statement.Resource),
      statement_not_resource: strings(statement.NotResource),
      policy_principal: principal(statement.Principal),
      policy_not_principal: principal(statement.NotPrincipal),
      statement_has_condition: isRecord(statement.Condition) && Object.keys(statement.Condition).length > 0,
      condition: isRecord(statement.Condition) ? statement.Condition : {},
    }),
  );
}

/** IAM's API returns policy documents URL-encoded; Terraform keeps them as JSON strings. Both become objects. */
export function policyDocument(value: unknown): Json | undefined {
  if (isRecord(value)) return value;
  if (typeof value !== 'string') return undefined;
  const direct = parsePolicy(value);
  if (direct) return direct;
  try {
    return parsePolicy(decodeURIComponent(value));
  } catch {
    return undefined;
  }
}

const STATEMENT_KEYS: Record<string, string> = {
  Sid: 'sid',
  Effect: 'effect',
  Action: 'action',
  NotAction: 'not_action',
  Resource: 'resource',
  NotResource: 'not_resource',
  Principal: 'principal',
  NotPrincipal: 'not_principal',
  Condition: 'condition',
};

function canonicalPrincipal(value: unknown): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase().replace('canonicaluser', 'canonical_user'), v]));
}

function canonicalStatement(statement: unknown): unknown {
  if (!isRecord(statement)) return statement;
  const out: Json = {};
  for (const [key, value] of Object.entries(statement)) {
    const name = ownEntry(STATEMENT_KEYS, key) ?? key.toLowerCase();
    // Condition operators and keys are IAM's own vocabulary and stay verbatim.
    out[name] = name === 'principal' || name === 'not_principal' ? canonicalPrincipal(value) : value;
  }
  return out;
}

/**
 * A policy document in the rule pack's convention: snake_case element names (`statement`, `effect`, `action`,
 * `principal.aws`...), conditions verbatim. Accepts an object, a JSON string or IAM's URL-encoded JSON.
 */
export function canonicalPolicy(value: unknown): Json | undefined {
  const document = policyDocument(value);
  if (!document) return undefined;
  const out: Json = {};
  for (const [key, inner] of Object.entries(document)) {
    if (key === 'Statement') out.statement = Array.isArray(inner) ? inner.map(canonicalStatement) : canonicalStatement(inner);
    else out[key === 'Id' ? 'id' : key === 'Version' ? 'version' : key.toLowerCase()] = inner;
  }
  return out;
}
