/**
 * `jingwu users …`: account administration on the configured database (embedded in DATA_DIR, or
 * DATABASE_URL), like `jingwu migrate`. One function per subcommand; `registerUsers` wires them up.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { systemContext, type RequestContext } from '../../server/context.ts';
import { buildApp } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { migrateConfiguredDatabase, openConfiguredDatabase } from '../../server/server.ts';
import { authSettings } from '../../server/modules/auth/auth.settings.ts';
import { resetPassword } from '../../server/modules/auth/password.service.ts';

/** Registers `jingwu users` and its subcommands. */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('Manage user accounts');
  registerResetPassword(users);
}

/**
 * Runs `fn` with a system context on the configured (migrated) database. The app is built so writes go
 * through the real audit sink, exactly as they would through the API; it never listens.
 */
async function withCliContext<T>(fn: (ctx: RequestContext, config: ReturnType<typeof loadConfig>) => Promise<T>) {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    await migrateConfiguredDatabase(config, database);
    const app = await buildApp({ config, database, logger: false });
    await app.ready();
    try {
      const ctx = systemContext(database.db, app.auditSink, {
        requestId: `cli-${Date.now().toString(36)}`,
        userAgent: 'jingwu-cli',
      });
      return await fn(ctx, config);
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

/** Prints an expected failure (unknown user, …) without a stack trace and sets exit code 1. */
function reportAppError(err: unknown): void {
  if (!(err instanceof AppError)) throw err;
  process.stderr.write(`${err.code}: ${err.message}\n`);
  process.exitCode = 1;
}

/** `jingwu users reset-password <username>` */
function registerResetPassword(users: Command): void {
  users
    .command('reset-password')
    .description(
      'Give a user a generated temporary password (printed once), which they must change at the next login; ' +
        'ends all their sessions and clears a lockout',
    )
    .argument('<username>', 'the account to reset')
    .addHelpText(
      'after',
      '\nExample:\n  npx jingwu users reset-password zhangwei\n\n' +
        'The reset is written to the audit log. Hand the temporary password over in person or by phone.',
    )
    .action(async (username: string) => {
      try {
        await withCliContext(async (ctx, config) => {
          const result = await resetPassword(ctx, authSettings(config), username);
          process.stdout.write(
            [
              `Temporary password for ${result.username} (shown once; it must be changed at the next login):`,
              '',
              `  ${result.temporaryPassword}`,
              '',
              `Ended ${result.sessionsRevoked} active session(s).`,
              '',
            ].join('\n'),
          );
        });
      } catch (err) {
        reportAppError(err);
      }
    });
}
