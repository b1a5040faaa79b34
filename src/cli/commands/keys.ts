import type { Command } from 'commander';
import { createKeys, listKeys, revokeKey } from '../../store/orgs.js';
import { CliError, failWith, requireOrg, withStore } from '../with-store.js';
import { USER_HANDLE } from '../../ingest/directory-document.js';

/** Organization names: what a person types after --org, plain, so that no two read alike. */
const ORG_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_.]*$/;
const NAME_MAX_CHARS = 128;

/** `value` as `option` takes it, or a CliError saying what the option takes (the value shown cut to 40 characters). */
function plainName(option: string, value: string, pattern: RegExp, what: string): string {
  if (value.length <= NAME_MAX_CHARS && pattern.test(value)) return value;
  const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  throw new CliError(
    `${option}: ${JSON.stringify(shown)} is not ${what} (1 to ${NAME_MAX_CHARS} letters, digits and ${pattern === ORG_NAME ? '- _ .' : '- _ . @'}, starting with a letter or digit)`,
  );
}

export function register(program: Command) {
  const keys = program.command('keys').description('Organizations, API keys and application keys');
  keys
    .command('create')
    .description('Create the organization and user if missing, and a new API key and application key')
    .requiredOption('--org <name>', 'organization name')
    .requiredOption('--user <handle>', 'handle of the user the application key belongs to')
    .option('--json', 'print JSON')
    .action(async (opts: { org: string; user: string; json?: boolean }) => {
      try {
        const org = plainName('--org', opts.org, ORG_NAME, 'an organization name');
        const user = plainName('--user', opts.user, USER_HANDLE, 'a user handle');
        const created = await withStore((db) => createKeys(db, org, user), { create: true });
        const out = {
          org: created.org,
          api_key: created.api_key,
          app_key: created.app_key,
          api_key_id: created.api_key_id,
          app_key_id: created.app_key_id,
        };
        process.stdout.write(
          opts.json
            ? JSON.stringify(out) + '\n'
            : `organization ${out.org}\nDD-API-KEY: ${out.api_key} (id ${out.api_key_id})\nDD-APPLICATION-KEY: ${out.app_key} (id ${out.app_key_id}, user ${opts.user})\nThese keys are shown once; only their hashes are stored.\n`,
        );
      } catch (err) {
        failWith(err);
      }
    });
  keys
    .command('list')
    .description("List an organization's keys (never the keys themselves)")
    .requiredOption('--org <name>', 'organization name')
    .option('--json', 'print JSON')
    .action(async (opts: { org: string; json?: boolean }) => {
      try {
        const rows = await withStore(async (db) => listKeys(db, await requireOrg(db, opts.org)));
        if (opts.json) process.stdout.write(JSON.stringify(rows) + '\n');
        else
          for (const r of rows)
            process.stdout.write(
              `${r.key_id}  ${r.kind}  ...${r.last4}  ${r.user_handle ?? '-'}  ${new Date(r.created_at).toISOString()}  ${r.revoked_at ? 'revoked' : 'active'}\n`,
            );
      } catch (err) {
        failWith(err);
      }
    });
  keys
    .command('revoke')
    .description('Revoke a key by its id')
    .argument('<key_id>', 'the id shown by keys create or keys list')
    .action(async (keyId: string) => {
      try {
        const found = await withStore((db) => revokeKey(db, keyId));
        if (!found) throw new CliError(`No key with id ${keyId}`);
        process.stdout.write(`revoked ${keyId}\n`);
      } catch (err) {
        failWith(err);
      }
    });
}
