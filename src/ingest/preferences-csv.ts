// Ownership preferences in Datadog's 12-column CSV. All or nothing: one bad row rejects the whole set.
// `validatePreferences` reports every problem (row, column, message) for the UI; `parsePreferences` throws the first.
import { OWNER_TYPES } from '../ownership/owner-type.js';
import { parse } from 'csv-parse/sync';
import { RecordError } from '../posture/resource.js';
import { ProblemList, unsafeTextReason } from '../input-limits.js';
import type { OnInvalid } from './invalid-records.js';
import type { Confidence, ExclusionPreference, Preference, PreferenceSet, PromptTextPreference, TagMappingPreference } from '../ownership/signals.js';

export const PREFERENCE_COLUMNS = [
  'id',
  'preference_type',
  'tag_key',
  'tag_value',
  'owner',
  'owner_type',
  'confidence',
  'handle',
  'exclusion_type',
  'exclusion_resource_type',
  'prompt_text',
  'priority',
] as const;
export type PreferenceColumn = (typeof PREFERENCE_COLUMNS)[number];

/** Rows of one set: every inference reads the whole set, and one set is kept as one value. */
export const MAX_PREFERENCE_ROWS = 100_000;
export const MAX_PROMPT_TEXT_ROWS = 3;
export const MAX_PROMPT_TEXT_BYTES = 4096;

const STRUCTURED = /^[A-Za-z0-9\-_.:/@]+$/;
const TAG_VALUE = /^[A-Za-z0-9\-_.:/@ ]+$/;
const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];
const PREFERENCE_TYPES = ['tag_mapping', 'exclusion', 'prompt_text'] as const;

/** The columns each preference type uses; the others must be empty. `priority` and `id` apply to all. */
const USED: Record<(typeof PREFERENCE_TYPES)[number], readonly PreferenceColumn[]> = {
  tag_mapping: ['tag_key', 'tag_value', 'owner', 'owner_type', 'confidence'],
  exclusion: ['handle', 'exclusion_type', 'exclusion_resource_type'],
  prompt_text: ['prompt_text'],
};

export interface PreferenceProblem {
  /** 1-based data row (the header is row 0). */
  row: number;
  /** Line of the CSV text where the row ends (rows may span lines inside quotes). */
  line: number;
  /** Column name; empty for problems of the file as a whole. */
  column: string;
  message: string;
}

export interface PreferenceValidation {
  preferences?: PreferenceSet;
  /** The first problems (at most `INPUT_LIMITS.reportedProblems`); `omitted` counts the rest. */
  errors: PreferenceProblem[];
  omitted: number;
}

type Row = Record<PreferenceColumn, string>;

function checkRow(row: Row, problem: (column: PreferenceColumn, message: string) => void): Preference | undefined {
  const before = { count: 0 };
  const fail = (column: PreferenceColumn, message: string) => {
    before.count += 1;
    problem(column, message);
  };
  for (const column of PREFERENCE_COLUMNS) {
    const unsafe = unsafeTextReason(row[column]);
    if (unsafe) fail(column, unsafe);
    else if (/[<>]/.test(row[column])) fail(column, 'angle brackets are not allowed');
  }
  const structured = (column: PreferenceColumn, required: boolean, pattern = STRUCTURED): string | undefined => {
    const value = row[column].trim();
    if (value === '') {
      if (required) fail(column, 'is required');
      return undefined;
    }
    if (!/[<>]/.test(value) && !pattern.test(value)) {
      fail(column, pattern === TAG_VALUE ? 'allows letters, digits, spaces and - _ . : / @' : 'allows letters, digits and - _ . : / @');
    }
    return value;
  };
  const oneOf = <T extends string>(column: PreferenceColumn, values: readonly T[], required: boolean): T | undefined => {
    const value = row[column].trim().toLowerCase();
    if (value === '') {
      if (required) fail(column, `is required: one of ${values.join(', ')}`);
      return undefined;
    }
    if (!values.includes(value as T)) fail(column, `must be one of ${values.join(', ')}`);
    return value as T;
  };

  const id = structured('id', true);
  const type = oneOf('preference_type', PREFERENCE_TYPES, true);
  const priorityText = row.priority.trim();
  let priority: number | undefined;
  if (priorityText !== '') {
    if (!/^-?\d+$/.test(priorityText) || !Number.isSafeInteger(Number(priorityText))) fail('priority', 'must be an integer');
    else priority = Number(priorityText);
  }
  if (!type || !PREFERENCE_TYPES.includes(type)) return undefined;
  for (const column of PREFERENCE_COLUMNS) {
    if (column !== 'id' && column !== 'preference_type' && column !== 'priority' && !USED[type].includes(column) && row[column].trim() !== '') {
      fail(column, `must be empty for preference_type ${type}`);
    }
  }
  const common = { id: id ?? '', ...(priority !== undefined ? { priority } : {}) };

  let preference: Preference | undefined;
  if (type === 'tag_mapping') {
    const tagKey = structured('tag_key', true);
    const tagValue = structured('tag_value', false, TAG_VALUE);
    const owner = structured('owner', true);
    const ownerType = oneOf('owner_type', OWNER_TYPES, true);
    const confidence = oneOf('confidence', CONFIDENCES, true);
    const mapping: TagMappingPreference = {
      ...common,
      preference_type: 'tag_mapping',
      tag_key: tagKey ?? '',
      owner: owner ?? '',
      owner_type: ownerType ?? 'team',
      confidence: confidence ?? 'low',
    };
    if (tagValue !== undefined) mapping.tag_value = tagValue;
    preference = mapping;
  } else if (type === 'exclusion') {
    const handle = structured('handle', true);
    const exclusionType = oneOf('exclusion_type', OWNER_TYPES, false);
    const resourceType = structured('exclusion_resource_type', false);
    const exclusion: ExclusionPreference = { ...common, preference_type: 'exclusion', handle: handle ?? '' };
    if (exclusionType) exclusion.exclusion_type = exclusionType;
    if (resourceType) exclusion.exclusion_resource_type = resourceType;
    preference = exclusion;
  } else {
    const text = row.prompt_text;
    if (text.trim() === '') fail('prompt_text', 'is required');
    else if (Buffer.byteLength(text, 'utf8') > MAX_PROMPT_TEXT_BYTES) {
      fail('prompt_text', `is ${Buffer.byteLength(text, 'utf8')} bytes: at most ${MAX_PROMPT_TEXT_BYTES}`);
    }
    preference = { ...common, preference_type: 'prompt_text', prompt_text: text } satisfies PromptTextPreference;
  }
  return before.count === 0 ? preference : undefined;
}

/**
 * Every problem of a preferences CSV, and the set when there are none. With `skip`, each bad row goes to its `onInvalid`
 * instead (one RecordError, its first problem, placed `source row 2 (line 3)`) and is left out of the set; only a
 * problem of the file as a whole (its header, broken CSV) is then an error.
 */
export function validatePreferences(text: string, skip?: { source: string; onInvalid: OnInvalid }): PreferenceValidation {
  const errors = new ProblemList<PreferenceProblem>();
  const only = (problem: PreferenceProblem): PreferenceValidation => ({ errors: [problem], omitted: 0 });
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // The header, the rows a set may hold, and one more to tell that there are too many: the rest is not read.
    const to = MAX_PREFERENCE_ROWS + 2;
    parsed = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, to }) as unknown as typeof parsed;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return only({ row: 0, line, column: '', message: `not valid CSV: ${(error as Error).message}` });
  }
  if (parsed.length === 0) return only({ row: 0, line: 1, column: '', message: `missing the header ${PREFERENCE_COLUMNS.join(',')}` });

  const header = parsed[0].record.map((name) => name.trim().toLowerCase());
  if (header.length !== PREFERENCE_COLUMNS.length || header.some((name, i) => name !== PREFERENCE_COLUMNS[i])) {
    const at = PREFERENCE_COLUMNS.findIndex((name, i) => header[i] !== name);
    return only({
      row: 0,
      line: parsed[0].info.lines,
      column: at >= 0 ? PREFERENCE_COLUMNS[at] : (header[PREFERENCE_COLUMNS.length] ?? ''),
      message: `the header must be exactly ${PREFERENCE_COLUMNS.join(',')}`,
    });
  }

  if (parsed.length > MAX_PREFERENCE_ROWS + 1) {
    const line = parsed[MAX_PREFERENCE_ROWS + 1].info.lines;
    return only({ row: MAX_PREFERENCE_ROWS + 1, line, column: '', message: `too many rows: a set holds at most ${MAX_PREFERENCE_ROWS}` });
  }

  const set: PreferenceSet = { tag_mappings: [], exclusions: [], prompt_texts: [] };
  const ids = new Map<string, number>();
  parsed.slice(1).forEach(({ record, info }, index) => {
    const rowNumber = index + 1;
    let first: PreferenceProblem | undefined;
    const problem = (column: string, message: string) => {
      first ??= { row: rowNumber, line: info.lines, column, message };
      if (!skip) errors.add({ row: rowNumber, line: info.lines, column, message });
    };
    if (record.length !== PREFERENCE_COLUMNS.length) {
      problem('', `has ${record.length} columns: expected ${PREFERENCE_COLUMNS.length}`);
    } else {
      const row = Object.fromEntries(PREFERENCE_COLUMNS.map((name, i) => [name, record[i]])) as Row;
      const preference = checkRow(row, problem);
      const id = row.id.trim();
      const earlier = id === '' ? undefined : ids.get(id);
      if (earlier !== undefined) problem('id', `duplicates the id of row ${earlier}`);
      if (preference?.preference_type === 'prompt_text' && set.prompt_texts.length >= MAX_PROMPT_TEXT_ROWS) {
        problem('prompt_text', `at most ${MAX_PROMPT_TEXT_ROWS} prompt_text rows`);
      }
      // A row left out leaves its id to a later row.
      if (id !== '' && earlier === undefined && !(skip && first)) ids.set(id, rowNumber);
      if (preference && !first) {
        if (preference.preference_type === 'tag_mapping') set.tag_mappings.push(preference);
        else if (preference.preference_type === 'exclusion') set.exclusions.push(preference);
        else set.prompt_texts.push(preference);
      }
    }
    if (first && skip)
      skip.onInvalid(new RecordError(`${skip.source} row ${first.row} (line ${first.line})`, first.column || undefined, first.message));
  });
  return errors.total > 0 ? { errors: errors.items, omitted: errors.omitted } : { preferences: set, errors: [], omitted: 0 };
}

/** The set, or a RecordError naming the first bad row and column. */
export function parsePreferences(text: string): PreferenceSet {
  const { preferences, errors } = validatePreferences(text);
  if (preferences) return preferences;
  const first = errors[0];
  const place = first.row === 0 ? `line ${first.line}` : `row ${first.row} (line ${first.line})`;
  throw new RecordError(place, first.column || undefined, first.message);
}

function cell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The set as Datadog's CSV; `parsePreferences(preferencesToCsv(set))` gives the set back. */
export function preferencesToCsv(set: PreferenceSet): string {
  const rows: Preference[] = [...set.tag_mappings, ...set.exclusions, ...set.prompt_texts];
  const lines = rows.map((p) => {
    const values: Partial<Record<PreferenceColumn, string | number | undefined>> = {
      id: p.id,
      preference_type: p.preference_type,
      priority: p.priority,
    };
    if (p.preference_type === 'tag_mapping') {
      Object.assign(values, { tag_key: p.tag_key, tag_value: p.tag_value, owner: p.owner, owner_type: p.owner_type, confidence: p.confidence });
    } else if (p.preference_type === 'exclusion') {
      Object.assign(values, { handle: p.handle, exclusion_type: p.exclusion_type, exclusion_resource_type: p.exclusion_resource_type });
    } else {
      values.prompt_text = p.prompt_text;
    }
    return PREFERENCE_COLUMNS.map((column) => cell(values[column])).join(',');
  });
  return [PREFERENCE_COLUMNS.join(','), ...lines].join('\n') + '\n';
}
