#!/usr/bin/env node
import { Command } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Each file in commands/ adds one subcommand: adding a command is adding a file.
const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

// Every subcommand inherits these (settings are copied as commands are added): a usage error (an unknown option or
// command, a missing argument) exits with 2, as a CliError does; --help and --version with 0.
const program = new Command('steward')
  .description("Steward: cloud security findings and who owns each resource, on Datadog's public API.")
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

const files = readdirSync(commandsDir)
  .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
  .sort();
for (const file of files) {
  const mod = (await import(pathToFileURL(join(commandsDir, file)).href)) as { register(program: Command): void };
  mod.register(program);
}

await program.parseAsync(process.argv);
