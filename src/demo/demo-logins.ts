/** The lines `npm start` and `jingwu demo seed` print so a newcomer can log in. */
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';

export function demoLoginLines(): string[] {
  const width = Math.max(...DEMO_ACCOUNTS.map((a) => a.username.length));
  return [
    `  Demo logins (password for all: ${DEMO_PASSWORD}):`,
    ...DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(width)}  ${a.role.padEnd(20)} ${a.displayName}`),
  ];
}
