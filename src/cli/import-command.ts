import type { Command } from 'commander';
import cliProgress from 'cli-progress';

/** The shared `steward import` group: each importer file adds its subcommand to it. */
export function importCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Import resources, findings and ownership signals from the formats teams already have')
  );
}

export interface Progress {
  update(value: number, total?: number): void;
  stop(): void;
}

/** A progress bar on a terminal (stderr); silent when stderr is not a terminal. */
export function progressBar(label: string, total: number, unit = 'bytes'): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0);
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, 1));
      bar.update(value);
    },
    stop() {
      bar.stop();
    },
  };
}

export function printSummary(summary: object) {
  process.stdout.write(JSON.stringify(summary) + '\n');
}
