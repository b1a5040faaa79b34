// Writes one benchmark's figures into bench/README.md between its own markers, leaving the rest of the file as is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { storeKind } from './store.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, store: ${storeKind()}, scale ${process.env.BENCH_SCALE ?? 1}, ${new Date().toISOString()}`;
}

export function writeSection(name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n_${machine()}_\n\n${body.trim()}\n${end}`;
  let text = existsSync(README) ? readFileSync(README, 'utf8') : '# Benchmarks\n';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(README, text);
}
