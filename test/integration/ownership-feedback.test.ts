import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE, CAROL_BUCKET } from '../helpers/seed-console.js';
import { getInference } from '../../src/ownership/use-cases/inference-reads.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';
import { updateSettings, readSettings } from '../../src/ownership/use-cases/settings.js';
import { etagMatches } from '../../src/server/conditional-get.js';
import { listHistory, parseOwnerType } from '../../src/server/ownership-requests.js';
import { FEEDBACK_BODY, parseFeedbackBody, type FeedbackBody } from '../../src/ownership/feedback.js';
import { typeboxValidatorCompiler } from '../../src/server/validation.js';
import { feedbackOf, inferencesOf } from '../../src/store/ownership-inferences.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { InvalidInput, NotFound } from '../../src/errors.js';
import { currentWeights } from '../../src/ownership/use-cases/relearn.js';
import { pieceLabelsOf } from '../../src/store/ownership-learning.js';
import { DEFAULT_PRIORS } from '../../src/ownership/signal-kinds/index.js';
import type { SourceVote } from '../../src/ownership/evidence.js';

// Feedback semantics on the service layer, against a real store (PGlite, or PostgreSQL with DATABASE_URL).
let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();
const reviewer = { userHandle: 'reviewer' };

const body = (attributes: Record<string, unknown>): FeedbackBody => ({
  data: { type: 'ownership_feedback', attributes: attributes as FeedbackBody['data']['attributes'] },
});
/** The route's check of a feedback body: its schema (FEEDBACK_BODY), then the parser for what a schema cannot say. */
const checkFeedbackSchema = typeboxValidatorCompiler({ schema: FEEDBACK_BODY, httpPart: 'body', method: 'POST', url: '/feedback' }) as (
  data: unknown,
) => { error?: Array<{ instancePath: string }> };
const current = async (rid: string, slot: 'team' | 'user' | 'service') => (await inferencesOf(db, orgId, rid)).find((r) => r.slot === slot)!;

before(async () => {
  store = await openTestStore();
  db = store.db;
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'feedback-org', 0)", [orgId]);
  await seedOwnershipOrganization(db, orgId);
});

after(async () => {
  await store?.close();
});

test('the feedback body is validated with pointers; a correction names an owner of the type it corrects', () => {
  const pointer = (raw: unknown, slot: 'team' | 'user' | 'service' = 'team') => {
    const checked = checkFeedbackSchema(raw);
    if (checked.error) return checked.error[0]!.instancePath;
    try {
      parseFeedbackBody(raw as FeedbackBody, slot);
    } catch (err) {
      assert.ok(err instanceof InvalidInput);
      return err.source?.pointer;
    }
    assert.fail('accepted');
  };
  assert.equal(pointer({}), '/data');
  assert.equal(pointer(body({ action: 'approve', inference_checksum: 'c' })), '/data/attributes/action');
  assert.equal(pointer(body({ action: 'confirm' })), '/data/attributes/inference_checksum');
  assert.equal(pointer(body({ action: 'confirm', inference_checksum: 'c', actor_handle: '<b>' })), '/data/attributes/actor_handle');
  assert.equal(pointer(body({ action: 'correct', inference_checksum: 'c' })), '/data/attributes/corrected_owner_handle');
  assert.equal(pointer(body({ action: 'correct', inference_checksum: 'c', corrected_owner_handle: 'x' })), '/data/attributes/corrected_owner_type');
  assert.equal(
    pointer(body({ action: 'correct', inference_checksum: 'c', corrected_owner_handle: 'alice', corrected_owner_type: 'user' })),
    '/data/attributes/corrected_owner_type',
  );
  assert.equal(
    pointer(body({ action: 'correct', inference_checksum: 'c', corrected_owner_handle: '<b>', corrected_owner_type: 'team' })),
    '/data/attributes/corrected_owner_handle',
  );
  // Fields of the client's own, and nulls for the optional ones, are accepted.
  assert.equal(
    checkFeedbackSchema({
      data: {
        type: 'ownership_feedback',
        extra: 1,
        attributes: { action: 'confirm', inference_checksum: 'c', reason: null, actor_type: null, note: 'x' },
      },
    }).error,
    undefined,
  );
  const ok = parseFeedbackBody(
    body({
      action: 'correct',
      inference_checksum: 'c',
      corrected_owner_handle: ' payments ',
      corrected_owner_type: 'team',
      actor_handle: 'sec-bot',
      actor_type: 'service',
    }),
    'team',
  );
  assert.deepEqual(ok.corrected, { owner_type: 'team', handle: 'payments' });
  assert.equal(ok.actorHandle, 'sec-bot');
  assert.throws(() => parseOwnerType('unknown'), InvalidInput);
  assert.equal(parseOwnerType('service'), 'service');
});

test('If-None-Match compares weakly and understands lists and *', () => {
  assert.equal(etagMatches('"a"', '"a"'), true);
  assert.equal(etagMatches('W/"a"', '"a"'), true);
  assert.equal(etagMatches('"b", W/"a"', 'W/"a"'), true);
  assert.equal(etagMatches('*', '"a"'), true);
  assert.equal(etagMatches('"b"', '"a"'), false);
  assert.equal(etagMatches(undefined, '"a"'), false);
});

test("the actor is always the application key's user; confirm and persist need an owner", async () => {
  const team = await current(CHECKOUT_INSTANCE, 'team');
  // Feedback in someone else's name is refused, and nothing is recorded.
  await assert.rejects(
    submitFeedback(
      db,
      orgId,
      CHECKOUT_INSTANCE,
      'team',
      body({ action: 'confirm', inference_checksum: team.checksum, actor_handle: 'ceo@acme.com', actor_type: 'user' }),
      reviewer,
    ),
    (err: unknown) => err instanceof InvalidInput && err.source?.pointer === '/data/attributes/actor_handle',
  );
  assert.equal((await feedbackOf(db, orgId, CHECKOUT_INSTANCE)).length, 0);
  assert.equal((await current(CHECKOUT_INSTANCE, 'team')).checksum, team.checksum);
  // The older actor_handle is accepted when it names the key's own user.
  await submitFeedback(
    db,
    orgId,
    CHECKOUT_INSTANCE,
    'team',
    body({ action: 'confirm', inference_checksum: team.checksum, actor_handle: 'Reviewer', actor_type: 'user' }),
    reviewer,
  );
  const labels = await feedbackOf(db, orgId, CHECKOUT_INSTANCE);
  assert.equal(labels.at(-1)!.actor, 'reviewer');
  assert.deepEqual(labels.at(-1)!.votes, team.votes, 'the label keeps the sources that produced the answer');
  // The label refines the weights the engine answers with at once (as counts since the last fit) and its pieces' counts.
  const weights = await currentWeights(db, orgId);
  const confirmed = (team.votes as SourceVote[]).filter((v) => v.owner_handle === team.owner_handle);
  assert.ok(
    confirmed.length > 0 && confirmed.every((v) => weights.kinds[v.kind].alpha > DEFAULT_PRIORS[v.kind].alpha),
    'the label counts for the sources it confirmed',
  );
  const pieces = await pieceLabelsOf(
    db,
    orgId,
    confirmed.flatMap((v) => (v.piece ? [v.piece] : [])),
  );
  assert.ok(
    pieces.some((p) => p.right > 0 && p.handle === team.owner_handle!.toLowerCase()),
    'the confirmed pieces count one right',
  );

  const user = await current(CAROL_BUCKET, 'user');
  await submitFeedback(db, orgId, CAROL_BUCKET, 'user', body({ action: 'reject', inference_checksum: user.checksum }), reviewer);
  const unknown = await current(CAROL_BUCKET, 'user');
  assert.equal(unknown.owner_handle, null);
  await assert.rejects(
    submitFeedback(db, orgId, CAROL_BUCKET, 'user', body({ action: 'persist', inference_checksum: unknown.checksum }), reviewer),
    (err: unknown) => err instanceof InvalidInput && err.source?.pointer === '/data/attributes/action',
  );
  // An unknown answer can still be corrected.
  const r = await submitFeedback(
    db,
    orgId,
    CAROL_BUCKET,
    'user',
    body({ action: 'correct', inference_checksum: unknown.checksum, corrected_owner_handle: 'bob', corrected_owner_type: 'user' }),
    reviewer,
  );
  assert.deepEqual(
    [r.data.attributes.previous_status, r.data.attributes.new_status, r.data.attributes.primary_contact_ref],
    ['unknown', 'overridden', 'ref:handle/bob'],
  );
});

test('correcting a team re-tags its findings; overridden answers survive re-inference and settings changes', async () => {
  const team = await current(CAROL_BUCKET, 'team');
  await submitFeedback(
    db,
    orgId,
    CAROL_BUCKET,
    'team',
    body({ action: 'correct', inference_checksum: team.checksum, corrected_owner_handle: 'data', corrected_owner_type: 'team' }),
    reviewer,
  );
  const tagged = (
    await db.query<{ tags: string[] }>('SELECT tags FROM finding_states WHERE org_id = $1 AND resource_id = $2 AND valid_to = 9223372036854775807', [
      orgId,
      CAROL_BUCKET,
    ])
  ).rows;
  assert.ok(tagged.length > 0 && tagged.every((s) => s.tags.includes('team:data')));

  await updateSettings(db, orgId, { data: { type: 'ownership_settings', attributes: { auto_tag: true, confidence_level: 'high' } } });
  await recomputeUntilEmpty(db, { orgId });
  const after = await current(CAROL_BUCKET, 'team');
  assert.deepEqual([after.status, after.owner_handle], ['overridden', 'data']);
  assert.equal((await readSettings(db, orgId)).data.attributes.version, 1);

  const history = await listHistory(db, orgId, CAROL_BUCKET, 'team', { limit: 100 });
  assert.deepEqual(
    history.data.attributes.items.map((h) => h.status),
    ['overridden', 'suggested'],
    'the correction appended one entry; re-inference wrote none',
  );
});

test('a known resource with no inference yet is inferred on read; an unknown one is a 404', async () => {
  await db.query('DELETE FROM ownership_inferences WHERE org_id = $1 AND resource_id = $2', [orgId, CHECKOUT_INSTANCE]);
  await db.query('DELETE FROM ownership_queue WHERE org_id = $1', [orgId]);
  const answer = await getInference(db, orgId, CHECKOUT_INSTANCE, 'user');
  assert.equal((answer.body?.data.attributes as { primary_contact_ref?: string } | undefined)?.primary_contact_ref, 'ref:handle/alice');
  await assert.rejects(getInference(db, orgId, 'arn:aws:s3:::nobody', 'team'), NotFound);
});

test('a history cursor is signed for its organization: another organization, or a changed cursor, is refused on cursor', async () => {
  const first = await listHistory(db, orgId, CAROL_BUCKET, null, { limit: 1 });
  const cursor = first.data.attributes.pagination.next_cursor as string;
  assert.ok(cursor);
  const parameterOf = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => assert.fail('accepted'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof InvalidInput);
    return err.source?.parameter;
  };
  assert.equal(await parameterOf(listHistory(db, randomUUID(), CAROL_BUCKET, null, { cursor })), 'cursor');
  const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  const changed = Buffer.from(JSON.stringify({ ...body, b: body.b - 1 })).toString('base64url');
  assert.equal(await parameterOf(listHistory(db, orgId, CAROL_BUCKET, null, { cursor: changed })), 'cursor');
  const second = await listHistory(db, orgId, CAROL_BUCKET, null, { limit: 1, cursor });
  assert.notEqual(second.data.attributes.items[0]!.id, first.data.attributes.items[0]!.id);
});

test('the history names who reviewed what: a confirm that keeps the answer is an entry with its reviewer', async () => {
  const team = await current(CAROL_BUCKET, 'team');
  await submitFeedback(
    db,
    orgId,
    CAROL_BUCKET,
    'team',
    body({ action: 'confirm', inference_checksum: team.checksum, reason: 'Asked Carol.' }),
    reviewer,
  );
  const items = (await listHistory(db, orgId, CAROL_BUCKET, null, {})).data.attributes.items as Array<Record<string, unknown>>;
  const [latest] = items;
  assert.deepEqual(latest!.review, { action: 'confirm', actor: 'reviewer', reason: 'Asked Carol.' });
  assert.equal(latest!.status, team.status);
  // The reviews above, newest first, each with its reviewer; entries no review wrote have none.
  assert.deepEqual(
    items.flatMap((i) => (i.review ? [`${String(i.owner_type)}:${(i.review as { action: string }).action}`] : [])),
    ['team:confirm', 'team:correct', 'user:correct', 'unknown:reject'],
  );
  assert.ok(items.some((i) => i.review === undefined));
});
