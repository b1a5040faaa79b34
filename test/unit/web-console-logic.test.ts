import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_FILTERS, findingsQuery, localInputToMs, msToLocalInput, parseTagInput } from '../../web/src/findings-query.js';
import { back, FIRST_PAGE, forward, pageNumber } from '../../web/src/cursor-stack.js';
import { confidenceBand, confidencePercent, ownerHandle } from '../../web/src/confidence.js';
import { csvProblems } from '../../web/src/csv-errors.js';
import { isSafeUrl, messageToHtml, stripPercentMarkers } from '../../web/src/markdown.js';
import { showBidiControls } from '../../web/src/bidi.js';

test('the findings query carries every filter under its API name, tags repeated', () => {
  const q = findingsQuery({
    filters: {
      ...EMPTY_FILTERS,
      status: 'critical',
      evaluation: 'fail',
      muted: 'false',
      resourceType: ' -aws* ',
      ruleId: 'zno-neo-6jq',
      ruleName: '*public*',
      tags: ['team:cake', 'env:prod', 'team:cake'],
      changedSince: '2024-03-01T10:30',
    },
    limit: 50,
    cursor: 'abc',
    snapshot: 1700000000000,
  });
  assert.equal(q.get('page[limit]'), '50');
  assert.equal(q.get('page[cursor]'), 'abc');
  assert.equal(q.get('snapshot_timestamp'), '1700000000000');
  assert.equal(q.get('filter[status]'), 'critical');
  assert.equal(q.get('filter[evaluation]'), 'fail');
  assert.equal(q.get('filter[muted]'), 'false');
  assert.equal(q.get('filter[resource_type]'), '-aws*');
  assert.equal(q.get('filter[rule_id]'), 'zno-neo-6jq');
  assert.equal(q.get('filter[rule_name]'), '*public*');
  assert.deepEqual(q.getAll('filter[tags]'), ['team:cake', 'env:prod']);
  assert.equal(q.get('filter[evaluation_changed_at]'), `>=${new Date('2024-03-01T10:30').getTime()}`);
});

test('empty filters send only the page size', () => {
  const q = findingsQuery({ filters: EMPTY_FILTERS, limit: 100 });
  assert.deepEqual([...q.keys()], ['page[limit]']);
});

test('datetime-local values round-trip through Unix ms; bad input is no filter', () => {
  const ms = localInputToMs('2023-12-07T22:50');
  assert.equal(typeof ms, 'number');
  assert.equal(msToLocalInput(ms!), '2023-12-07T22:50');
  assert.equal(localInputToMs(''), undefined);
  assert.equal(localInputToMs('not a date'), undefined);
});

test('tags typed with commas or spaces become a de-duplicated list', () => {
  assert.deepEqual(parseTagInput(' team:a, env:prod  team:a ,,'), ['team:a', 'env:prod']);
  assert.deepEqual(parseTagInput('   '), []);
});

test('cursor stack: next pushes, previous replays the cursor before, the first page is undefined', () => {
  let s = FIRST_PAGE;
  assert.equal(pageNumber(s), 1);
  s = forward(s, 'c2');
  s = forward(s, 'c3');
  assert.equal(pageNumber(s), 3);
  assert.equal(s.current, 'c3');
  s = back(s);
  assert.equal(s.current, 'c2');
  s = back(s);
  assert.equal(s.current, undefined);
  assert.equal(pageNumber(s), 1);
  assert.equal(back(s), s);
});

test('confidence bands follow the published cut-offs', () => {
  assert.equal(confidenceBand('0.9000'), 'high');
  assert.equal(confidenceBand('0.8501'), 'high');
  assert.equal(confidenceBand('0.8500'), 'medium');
  assert.equal(confidenceBand('0.6000'), 'medium');
  assert.equal(confidenceBand('0.5999'), 'low');
  assert.equal(confidenceBand('garbage'), 'low');
  assert.equal(confidencePercent('0.9123'), 91);
  assert.equal(confidencePercent('1.5'), 100);
  assert.equal(ownerHandle('ref:handle/payments'), 'payments');
  assert.equal(ownerHandle(undefined), '');
});

test('CSV errors name row and column from their JSON pointer', () => {
  const problems = csvProblems([
    { detail: 'unknown owner type "squad"', source: { pointer: '/rows/3/owner_type' } },
    { detail: 'row is too short', source: { pointer: '/rows/7' } },
    { title: 'Bad Request', source: { pointer: '/' } },
  ]);
  assert.deepEqual(problems, [
    { row: 3, column: 'owner_type', detail: 'unknown owner type "squad"' },
    { row: 7, detail: 'row is too short' },
    { detail: 'Bad Request' },
  ]);
});

test('messages lose their %%% markers and render as Markdown', () => {
  const md = '%%%\n## Description\nBuckets **must** not be public.\n\n- one\n- two\n%%%';
  assert.equal(stripPercentMarkers(md), '## Description\nBuckets **must** not be public.\n\n- one\n- two');
  const html = messageToHtml(md);
  assert.match(html, /<h2[^>]*>Description<\/h2>/);
  assert.match(html, /<strong>must<\/strong>/);
  assert.doesNotMatch(html, /%%%/);
});

test('raw HTML and script links in a message come out inert', () => {
  const html = messageToHtml(
    '%%%\nHi <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<div onclick="x()">block</div>\n\n[click](javascript:alert(3)) [ok](https://docs.datadoghq.com)\n%%%',
  );
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<div/i);
  assert.doesNotMatch(html, /href="javascript:/i);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /<a href="https:\/\/docs.datadoghq.com">ok<\/a>/);
  assert.equal(isSafeUrl('JavaScript:alert(1)'), false);
  assert.equal(isSafeUrl('/relative'), true);
});

test('without links, a link, an autolink or an image in the text keeps only its text', () => {
  // An explanation quoting a tag whose backticks close the code span around it.
  const html = messageToHtml(
    'Team `tick`[sign in](https://evil.example/login)`tock` is named by the tag; see https://evil.example/ and ![logo](https://evil.example/x.png).',
    { links: false },
  );
  assert.doesNotMatch(html, /<a|<img/i);
  assert.match(html, /<code>tick<\/code>sign in<code>tock<\/code>/);
  assert.match(html, /see https:\/\/evil\.example\/ and logo\./);
});

test('bidi embedding, override and isolate controls are shown as U+FFFD, one for one; marks and other text stay', () => {
  const controls = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
  assert.equal(showBidiControls(`a${controls}b`), `a${'\ufffd'.repeat(9)}b`);
  assert.equal(showBidiControls('\u200f\u05e9\u05dc\u05d5\u05dd \u200bx'), '\u200f\u05e9\u05dc\u05d5\u05dd \u200bx');
  assert.equal(messageToHtml('Team `\u202edetcejer` is named', { links: false }), '<p>Team <code>\ufffddetcejer</code> is named</p>\n');
});
