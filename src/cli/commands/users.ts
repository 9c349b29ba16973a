/**
 * `jingwu users …`: account administration on the configured database (embedded in DATA_DIR, or
 * DATABASE_URL), like `jingwu migrate`. One function per subcommand; `registerUsers` wires them up.
 */
import { Option, type Command } from 'commander';
import { ROLES, type RoleCode } from '../../contracts/roles.ts';
import { createUserAsOperator, listAllUsers } from '../../server/modules/users/user.service.ts';
import { AppError } from '../../server/errors.ts';
import { withCliContext } from '../cli-context.ts';
import { authSettings } from '../../server/modules/auth/auth.settings.ts';
import { resetPassword } from '../../server/modules/auth/password.service.ts';

/** Registers `jingwu users` and its subcommands. */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('Manage user accounts');
  registerResetPassword(users);
  registerCreate(users);
  registerList(users);
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

/** Reads the whole of standard input (for --password-stdin), without the final line break. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

interface CreateOptions {
  role: RoleCode;
  jurisdiction: string;
  displayName?: string;
  policeNumber?: string;
  passwordStdin?: boolean;
}

/** `jingwu users create <username> --role ROLE --jurisdiction ID` */
function registerCreate(users: Command): void {
  users
    .command('create')
    .description(
      'Create an account with one role over a jurisdiction subtree (operator bootstrap on the server; audited). ' +
        'Prints a generated password once unless --password-stdin is given; either way it must be changed at first login',
    )
    .argument('<username>', '3-64 lower-case letters, digits, . _ -')
    .addOption(new Option('--role <role>', 'role to assign').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--jurisdiction <id>', 'jurisdiction code the role is held over (also the home jurisdiction)')
    .option('--display-name <name>', 'name shown in the console (default: the username)')
    .option('--police-number <number>', 'police number (警号)')
    .option('--password-stdin', 'read the initial password from standard input instead of generating one')
    .addHelpText(
      'after',
      '\nExamples:\n  npx jingwu users create sunt --role system_admin --jurisdiction 91 --display-name "系统管理员 孙涛"\n' +
        '  printf %s "$PASSWORD" | npx jingwu users create wangj --role patrol_officer --jurisdiction 910102001 --password-stdin\n\n' +
        'system_admin, security_admin and auditor must be three different accounts.',
    )
    .action(async (username: string, opts: CreateOptions) => {
      try {
        const password = opts.passwordStdin ? await readStdin() : undefined;
        await withCliContext(async (ctx, config) => {
          const result = await createUserAsOperator(
            ctx,
            {
              username,
              displayName: opts.displayName ?? username,
              homeJurisdictionId: opts.jurisdiction,
              policeNumber: opts.policeNumber,
              password,
              roles: [{ role: opts.role, jurisdictionId: opts.jurisdiction }],
            },
            { passwordMinLength: config.auth.passwordMinLength },
          );
          const lines = [
            `Created ${result.user.username} (${result.user.id}): ${opts.role} over ${opts.jurisdiction}.`,
          ];
          if (result.initialPassword) {
            lines.push(
              '',
              'Initial password (shown once; it must be changed at the first login):',
              '',
              `  ${result.initialPassword}`,
            );
          }
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      } catch (err) {
        reportAppError(err);
      }
    });
}

/** `jingwu users list [--jurisdiction ID]` */
function registerList(users: Command): void {
  users
    .command('list')
    .description('List accounts (username, status, roles, home jurisdiction; no personal data)')
    .option('--jurisdiction <id>', 'only accounts whose home jurisdiction lies in this subtree')
    .addHelpText('after', '\nExample:\n  npx jingwu users list --jurisdiction 9101')
    .action(async (opts: { jurisdiction?: string }) => {
      try {
        await withCliContext(async (ctx) => {
          const list = await listAllUsers(ctx, { jurisdictionId: opts.jurisdiction });
          const width = Math.max(8, ...list.map((u) => u.username.length));
          const lines = [`${'USERNAME'.padEnd(width)}  STATUS    HOME             ROLES`];
          for (const u of list) {
            const roles = u.roles.map((r) => `${r.role}@${r.jurisdictionId}`).join(', ') || '-';
            lines.push(
              `${u.username.padEnd(width)}  ${u.status.padEnd(8)}  ${(u.homeJurisdictionId ?? '-').padEnd(15)}  ${roles}  ${u.displayName}`,
            );
          }
          lines.push(`${list.length} account(s).`);
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      } catch (err) {
        reportAppError(err);
      }
    });
}
