import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/processes.js';

// Each contender takes part in every round: it waits for the round's instant, tries to take that round's lock (a
// folder of its own, holding a lock left by a dead process), and says whether it got it.
const CONTENDER = `
import { acquireDataDirLock } from './src/store/data-dir-lock.ts';
const [base, rounds, at, spacing] = process.argv.slice(-4);
const outcomes = [];
for (let round = 0; round < Number(rounds); round++) {
  while (Date.now() < Number(at) + round * Number(spacing)) {}
  try {
    acquireDataDirLock(base + '/' + round);
    outcomes.push('got');
  } catch (err) {
    outcomes.push(err.name === 'DataDirInUseError' ? 'busy' : 'error ' + err.message);
  }
}
process.stdout.write(JSON.stringify(outcomes) + '\\n');
// Holding every lock it took until all contenders are done: its exit would release them.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

interface Contender {
  outcomes: Promise<string[]>;
  /** Lets it exit, releasing the locks it holds. */
  finish(): Promise<void>;
}

function contend(base: string, rounds: number, at: number, spacing: number): Contender {
  const args = ['--import', 'tsx', '--input-type=module', '-e', CONTENDER, base, String(rounds), String(at), String(spacing)];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const outcomes = new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.endsWith('\n')) resolve(JSON.parse(out) as string[]);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', () => reject(new Error(`contender exited: ${out}${err}`)));
  });
  return {
    outcomes,
    async finish() {
      child.stdin.end();
      await exited;
    },
  };
}

/** The pid of a process that has exited: what a lock left by a kill -9 names. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(String(r.stdout));
}

test('processes starting at once over a lock left by a dead process: exactly one takes it', async () => {
  const rounds = 150;
  const contenders = 4;
  const base = mkdtempSync(join(tmpdir(), 'steward-lock-'));
  try {
    const dead = deadPid();
    for (let round = 0; round < rounds; round++) {
      mkdirSync(join(base, String(round)));
      writeFileSync(join(base, String(round), 'steward.lock'), String(dead));
    }
    const running = Array.from({ length: contenders }, () => contend(base, rounds, Date.now() + 2000, 15));
    const outcomes = await Promise.all(running.map((c) => c.outcomes));
    await Promise.all(running.map((c) => c.finish()));
    for (let round = 0; round < rounds; round++) {
      const inRound = outcomes.map((o) => o[round]);
      assert.equal(inRound.filter((o) => o === 'got').length, 1, `round ${round}: ${inRound.join(', ')}`);
      assert.equal(inRound.filter((o) => o === 'busy').length, contenders - 1, `round ${round}: ${inRound.join(', ')}`);
      assert.ok(!existsSync(join(base, String(round), 'steward.lock.takeover')), 'no takeover file is left behind');
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a lock file that names no process is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-lock-'));
  try {
    const old = new Date(Date.now() - 60_000);
    mkdirSync(join(dir, '0'));
    writeFileSync(join(dir, '0', 'steward.lock'), 'not a pid');
    utimesSync(join(dir, '0', 'steward.lock'), old, old);
    const contender = contend(dir, 1, Date.now(), 0);
    assert.deepEqual(await contender.outcomes, ['got']);
    await contender.finish();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
