#!/usr/bin/env node
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Each file in commands/ adds one subcommand: adding a command is adding a file.
const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

const program = new Command('steward')
  .description("Steward: cloud security findings and who owns each resource, on Datadog's public API.")
  .showHelpAfterError();

const files = readdirSync(commandsDir)
  .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
  .sort();
for (const file of files) {
  const mod = (await import(pathToFileURL(join(commandsDir, file)).href)) as { register(program: Command): void };
  mod.register(program);
}

await program.parseAsync(process.argv);
