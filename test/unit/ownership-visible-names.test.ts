import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights } from '../../src/ownership/calibration.js';
import { splitTag, visibleName } from '../../src/ownership/signal-kinds/kind.js';
import { bucketEvidence as evidence, paymentsCodeowners } from '../helpers/ownership-evidence.js';

const ZWSP = '\u200b';
const RLO = '\u202e';

const answers = (ev: ResourceEvidence) => infer(ev, DEFAULT_ENGINE_SETTINGS, defaultWeights());

test('names are read without the characters that print as nothing', () => {
  assert.equal(visibleName(`pay${ZWSP}ments`), 'payments');
  assert.equal(visibleName(`${RLO}payments\u2069\u00ad\ufeff`), 'payments');
  assert.equal(visibleName('zahlungsverkehr-ä'), 'zahlungsverkehr-ä', 'letters of any script stay');
  assert.deepEqual(splitTag(`Te${ZWSP}am:pay${ZWSP}ments`), ['team', 'payments']);
});

test("a tag's hidden characters make no owner of their own: the tag names the owner it reads as", () => {
  const [team, user] = answers(evidence([`team:pay${ZWSP}ments`, `dd-team:${RLO}payments`, `owner:ali${ZWSP}ce@x.com`]));
  assert.equal(team!.owner_handle, 'payments');
  assert.equal(team!.co_owners, undefined, 'one owner, not three that read alike');
  assert.equal(new Set(team!.votes.map((v) => v.owner_handle)).size, 1);
  assert.equal(user!.owner_handle, 'alice', 'the person the directory knows by that email');
});

test('a CODEOWNERS owner with hidden characters is the owner it reads as', () => {
  const codeowners = paymentsCodeowners([`@org/pay${ZWSP}ments`, `ali${ZWSP}ce@x.com`]);
  const [team, user] = answers(evidence([], { codeowners: [codeowners] }));
  assert.equal(team!.owner_handle, 'payments');
  assert.equal(user!.owner_handle, 'alice');
});
