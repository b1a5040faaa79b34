// Names in explanations are code spans that hold any imported text whole: a name with backticks cannot close its span
// and be read as Markdown (a link) by the console, which renders explanations with `marked`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marked } from 'marked';
import { code } from '../../src/ownership/markdown-code.js';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights } from '../../src/ownership/calibration.js';

const rendered = (markdown: string) => marked.parseInline(markdown, { async: false });
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

test('a plain name is the same code span as before', () => {
  assert.equal(code('payments'), '`payments`');
  assert.equal(code(7), '`7`');
});

test('any text, backticks included, renders as exactly one code span holding it', () => {
  for (const text of ['a`b', '``x``', '`lead', 'trail`', 'tick`[sign in](https://evil.example/login)`tock', '`', ' spaced ', 'a ``` b']) {
    const html = rendered(`before ${code(text)} after`);
    assert.equal(html, `before <code>${escaped(text)}</code> after`, text);
  }
});

test("an explanation keeps a tag's backticks inside its code span: no link reaches the console", () => {
  const tag = 'team:tick`[sign in](https://evil.example/login)`tock';
  const evidence: ResourceEvidence = {
    resource: {
      source: 'resource',
      version: 'r1',
      observed_at: '2024-05-01T00:00:00Z',
      resource_id: 'arn:aws:s3:::bucket-1',
      resource_type: 'aws_s3_bucket',
      name: 'bucket-1',
      tags: [tag],
      account: '123456789012',
    },
  };
  const [team] = infer(evidence, DEFAULT_ENGINE_SETTINGS, defaultWeights());
  assert.equal(team!.owner_handle, 'tick`[sign in](https://evil.example/login)`tock');
  const html = rendered(team!.explanation);
  assert.ok(!html.includes('<a '), html);
  assert.ok(html.includes(`<code>${escaped(tag)}</code>`), html);
});
