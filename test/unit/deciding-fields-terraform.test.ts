// The fixtures' real data (97 Terraform states, AWS Config items) through the rule pack: no finding rests on a field its source does not carry.
// Every pass or fail either has all the deciding fields of its rule (present, or given by a default the source can
// fill), or is decided whatever the missing ones hold (tried with values of every kind).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { parseAwsConfig } from '../../src/ingest/aws-config.js';
import { fieldsSourceCanFill } from '../../src/ingest/canonical/source-fields.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { explainRule } from '../../src/posture/rule-evaluation.js';
import { fixturePath } from '../helpers/fixtures.js';
import { outcomesThatDiffer } from '../helpers/rule-probes.js';

const SOURCE = 'import:terraform-state';
const NOW = 1_700_000_000_000;
const engine = builtInRuleEngine();

test('no finding from the real Terraform states rests on a field the state does not carry', () => {
  const files = readdirSync(fixturePath('terraform-state')).filter((f) => f.endsWith('.tfstate'));
  assert.equal(files.length, 97);
  const counts = { pass: 0, fail: 0, not_evaluated: 0 };
  for (const file of files) {
    const doc = JSON.parse(readFileSync(fixturePath('terraform-state', file), 'utf8'));
    for (const record of parseTerraformState(doc, file, { now: NOW })) {
      const fillable = fieldsSourceCanFill(SOURCE, record.resource_type);
      for (const rule of engine.rules.filter((r) => r.resource_type === record.resource_type)) {
        const outcome = explainRule(rule, record.configuration, { now: NOW, fillable });
        counts[outcome.evaluation]++;
        const verdict = engine.evaluate(rule, record.configuration, SOURCE);
        assert.deepEqual(
          verdict,
          outcome.evaluation === 'not_evaluated' ? { not_evaluated: outcome.missing_fields } : outcome.evaluation,
          'the engine judges as explainRule with the source',
        );
        if (outcome.evaluation === 'not_evaluated') continue;
        assert.deepEqual(
          outcomesThatDiffer(rule, record.configuration, fillable, NOW),
          [],
          `${file}: ${record.resource_id}, ${rule.file}: ${outcome.evaluation} would change with the missing fields`,
        );
      }
    }
  }
  assert.ok(counts.pass + counts.fail > 0 && counts.not_evaluated > 0, JSON.stringify(counts));
});

test('the real AWS Config items: the stopped instance without a public address (public_ip_address null) passes, nothing rests on a missing field', () => {
  const read = (name: string) => JSON.parse(readFileSync(fixturePath('cloudtrail', 'custodian', name), 'utf8'));
  const records = ['event-config-rule-instance.json', 'event-config-rule-security-group.json'].flatMap((name) =>
    parseAwsConfig(read(name), name, NOW),
  );
  const instance = records.find((r) => r.resource_type === 'aws_ec2_instance')!;
  assert.equal((instance.configuration as Record<string, unknown>).public_ip_address, null);
  const noPublicIp = engine.rules.find((r) => r.id === 'w6x-lqn-5cl')!;
  assert.equal(engine.evaluate(noPublicIp, instance.configuration, 'import:aws-config'), 'pass');
  for (const record of records) {
    const fillable = fieldsSourceCanFill('import:aws-config', record.resource_type);
    for (const rule of engine.rules.filter((r) => r.resource_type === record.resource_type))
      assert.deepEqual(outcomesThatDiffer(rule, record.configuration, fillable, NOW), [], `${record.resource_id}, ${rule.file}`);
  }
});
