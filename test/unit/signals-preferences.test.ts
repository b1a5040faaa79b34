import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PREFERENCE_ROWS, parsePreferences, preferencesToCsv, validatePreferences } from '../../src/ingest/preferences-csv.js';
import { RecordError } from '../../src/posture/resource.js';

const HEADER = 'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority';

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

const VALID = csv(
  'm1,tag_mapping,cost-center,finance ops,team-finance,team,high,,,,,1',
  'm2,tag_mapping,app,,payments-api,service,medium,,,,,',
  'm3,tag_mapping,created-by,,jane@example.com,user,LOW,,,,,',
  'x1,exclusion,,,,,,ci-bot,,,,',
  'x2,exclusion,,,,,,platform,team,aws_s3_bucket,,5',
  'p1,prompt_text,,,,,,,,,"Prefer the team in the repo\'s CODEOWNERS, then the ""owner"" tag.\nIgnore sandbox accounts.",',
);

test('a valid set: mappings, exclusions and prompt texts, typed', () => {
  const set = parsePreferences(VALID);
  assert.deepEqual(set.tag_mappings, [
    {
      id: 'm1',
      preference_type: 'tag_mapping',
      tag_key: 'cost-center',
      tag_value: 'finance ops',
      owner: 'team-finance',
      owner_type: 'team',
      confidence: 'high',
      priority: 1,
    },
    { id: 'm2', preference_type: 'tag_mapping', tag_key: 'app', owner: 'payments-api', owner_type: 'service', confidence: 'medium' },
    { id: 'm3', preference_type: 'tag_mapping', tag_key: 'created-by', owner: 'jane@example.com', owner_type: 'user', confidence: 'low' },
  ]);
  assert.deepEqual(set.exclusions, [
    { id: 'x1', preference_type: 'exclusion', handle: 'ci-bot' },
    { id: 'x2', preference_type: 'exclusion', handle: 'platform', exclusion_type: 'team', exclusion_resource_type: 'aws_s3_bucket', priority: 5 },
  ]);
  assert.equal(set.prompt_texts.length, 1);
  assert.equal(set.prompt_texts[0].prompt_text, 'Prefer the team in the repo\'s CODEOWNERS, then the "owner" tag.\nIgnore sandbox accounts.');
});

test('header only is an empty set; a byte-order mark is accepted', () => {
  assert.deepEqual(parsePreferences(`\ufeff${HEADER}\n`), { tag_mappings: [], exclusions: [], prompt_texts: [] });
});

test('round trip: the CSV of a set parses back to the same set', () => {
  const set = parsePreferences(VALID);
  const text = preferencesToCsv(set);
  assert.equal(text.split('\n')[0], HEADER);
  assert.deepEqual(parsePreferences(text), set);
  assert.equal(preferencesToCsv(parsePreferences(text)), text);
});

function problems(...rows: string[]) {
  const result = validatePreferences(csv(...rows));
  assert.equal(result.preferences, undefined);
  return result.errors.map((e) => [e.row, e.column, e.message]);
}

test('each kind of error names its row and column', () => {
  const ok = 'ok1,exclusion,,,,,,someone,,,,';
  assert.deepEqual(
    problems(ok, 'm1,tag_mapping,,,team-a,team,high,,,,,').map((p) => p.slice(0, 2)),
    [[2, 'tag_key']],
  );
  assert.deepEqual(
    problems('m1,tag_mapping,env,,team-a,group,high,,,,,').map((p) => p.slice(0, 2)),
    [[1, 'owner_type']],
  );
  assert.deepEqual(
    problems('m1,tag_mapping,env,,team-a,team,certain,,,,,').map((p) => p.slice(0, 2)),
    [[1, 'confidence']],
  );
  assert.deepEqual(
    problems('m1,tag_mapping,env,,team a,team,high,,,,,').map((p) => p.slice(0, 2)),
    [[1, 'owner']],
  );
  assert.deepEqual(
    problems('m1,tag_mapping,env,prod eu,team-a,team,high,,,,,x').map((p) => p.slice(0, 2)),
    [[1, 'priority']],
  );
  assert.deepEqual(
    problems('m1,tag_mapping,env,prod!,team-a,team,high,,,,,').map((p) => p.slice(0, 2)),
    [[1, 'tag_value']],
  );
  assert.deepEqual(
    problems('x1,exclusion,,,,,,,,,,').map((p) => p.slice(0, 2)),
    [[1, 'handle']],
  );
  assert.deepEqual(
    problems('x1,exclusion,,,,,,bob,robot,,,').map((p) => p.slice(0, 2)),
    [[1, 'exclusion_type']],
  );
  assert.deepEqual(
    problems('x1,exclusion,env,,,,,bob,,,,').map((p) => p.slice(0, 2)),
    [[1, 'tag_key']],
  );
  assert.deepEqual(
    problems('z1,ownership,,,,,,,,,,').map((p) => p.slice(0, 2)),
    [[1, 'preference_type']],
  );
  assert.deepEqual(
    problems(',exclusion,,,,,,bob,,,,').map((p) => p.slice(0, 2)),
    [[1, 'id']],
  );
  assert.deepEqual(problems(ok, 'ok1,exclusion,,,,,,other,,,,'), [[2, 'id', 'duplicates the id of row 1']]);
  assert.deepEqual(
    problems('p1,prompt_text,,,,,,,,,Use <b>bold</b>,').map((p) => p.slice(0, 2)),
    [[1, 'prompt_text']],
  );
  assert.deepEqual(
    problems('x1,exclusion,,,,,,<script>,,,,').map((p) => p.slice(0, 2)),
    [[1, 'handle']],
  );
  assert.deepEqual(
    problems('x1,exclusion,,,,,,bob,,').map((p) => p.slice(0, 2)),
    [[1, '']],
  );
});

test('prompt_text: at most three rows, 4,096 bytes each (bytes, not characters)', () => {
  const prompt = (id: string, text: string) => `${id},prompt_text,,,,,,,,,"${text}",`;
  assert.deepEqual(
    problems(prompt('p1', 'a'), prompt('p2', 'b'), prompt('p3', 'c'), prompt('p4', 'd')).map((p) => p.slice(0, 2)),
    [[4, 'prompt_text']],
  );
  assert.ok(validatePreferences(csv(prompt('p1', 'x'.repeat(4096)))).preferences);
  // 2,049 two-byte characters are 4,098 bytes.
  assert.deepEqual(
    problems(prompt('p1', 'é'.repeat(2049))).map((p) => p.slice(0, 2)),
    [[1, 'prompt_text']],
  );
});

test('all errors are collected; parsePreferences throws the first as a RecordError', () => {
  const text = csv('m1,tag_mapping,,,team-a,team,high,,,,,', 'ok,exclusion,,,,,,bob,,,,', 'x2,exclusion,,,,,,,,,,');
  const { errors } = validatePreferences(text);
  assert.deepEqual(
    errors.map((e) => [e.row, e.line, e.column]),
    [
      [1, 2, 'tag_key'],
      [3, 4, 'handle'],
    ],
  );
  assert.throws(
    () => parsePreferences(text),
    (e: unknown) => e instanceof RecordError && e.place === 'row 1 (line 2)' && e.field === 'tag_key',
  );
});

test('a wrong header or broken CSV rejects the file', () => {
  assert.throws(
    () =>
      parsePreferences(
        'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion,exclusion_resource_type,prompt_text,priority\n',
      ),
    (e: unknown) => e instanceof RecordError && e.place === 'line 1' && e.field === 'exclusion_type',
  );
  assert.throws(
    () => parsePreferences(''),
    (e: unknown) => e instanceof RecordError && /header/.test(e.reason),
  );
  const broken = validatePreferences(csv('p1,prompt_text,,,,,,,,,"never closed,'));
  assert.equal(broken.errors[0].row, 0);
  assert.match(broken.errors[0].message, /not valid CSV/);
});

test('a set holds at most 100,000 rows: one more is refused naming the first row past it, and what follows is not read', () => {
  const mapping = (i: number) => `m${i},tag_mapping,cost-center,cc-${i},team-${i % 7},team,high,,,,,`;
  const rows = Array.from({ length: MAX_PREFERENCE_ROWS }, (_, i) => mapping(i + 1));
  assert.equal(validatePreferences(csv(...rows)).preferences?.tag_mappings.length, MAX_PREFERENCE_ROWS);
  // The row past the limit is counted before anything after it is read: a broken quote there is never reached.
  const past = validatePreferences(csv(...rows, mapping(MAX_PREFERENCE_ROWS + 1), '"unclosed'));
  assert.equal(past.preferences, undefined);
  assert.deepEqual(past.errors, [
    { row: MAX_PREFERENCE_ROWS + 1, line: MAX_PREFERENCE_ROWS + 2, column: '', message: `too many rows: a set holds at most ${MAX_PREFERENCE_ROWS}` },
  ]);
});
