import type { Command } from 'commander';
import { loadRulePack, type Rule } from '../../posture/rule-pack.js';

function table(rules: Rule[]): string {
  const header = ['ID', 'SEVERITY', 'RESOURCE TYPE', 'NAME'];
  const rows = rules.map((r) => [r.id, r.severity, r.resource_type, r.name]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + `\n${rules.length} rule${rules.length === 1 ? '' : 's'}\n`;
}

export function register(program: Command) {
  const rules = program.command('rules').description('The built-in rule pack');
  rules
    .command('list')
    .description('List the rules; files that fail to load are reported on stderr and the exit code is 1')
    .option('--json', 'print JSON')
    .option('--dir <path>', 'read rules from this folder instead of the built-in pack')
    .action((opts: { json?: boolean; dir?: string }) => {
      const pack = loadRulePack(opts.dir);
      for (const e of pack.errors) process.stderr.write(`${e.file}:${e.line}: ${e.message}\n`);
      const sorted = [...pack.rules].sort((a, b) => a.resource_type.localeCompare(b.resource_type) || a.id.localeCompare(b.id));
      if (opts.json) {
        const out = sorted.map(({ id, name, resource_type, severity, vulnerability_type, tags }) => ({
          id,
          name,
          resource_type,
          severity,
          vulnerability_type,
          tags,
        }));
        process.stdout.write(JSON.stringify(out) + '\n');
      } else process.stdout.write(table(sorted));
      if (pack.errors.length > 0) process.exitCode = 1;
    });
}
