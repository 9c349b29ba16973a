/** `jingwu users create|list|reset-password` (being implemented). */
import type { Command } from 'commander';

export function registerUsers(program: Command): void {
  program.command('users').description('Manage user accounts');
}
