/**
 * Database privileges of the audit tables on PostgreSQL. When migrations run as the owner
 * (DATABASE_MIGRATION_URL) and the app connects as another role, that role may read and append but never
 * UPDATE, DELETE or TRUNCATE audit rows, and — not being the owner — cannot disable the append-only triggers.
 * Applied after every migration run, so a later blanket GRANT by a DBA is narrowed again at the next start.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db/client.ts';

/** The role a connection acts as. */
export async function currentRole(db: Db): Promise<string> {
  const [r] = await query<{ role: string }>(db, sql`select current_user as role`);
  return r!.role;
}

/** Grants `appRole` read + append on the audit tables and revokes everything that could rewrite them. */
export async function restrictAuditPrivileges(owner: Db, appRole: string): Promise<void> {
  const role = sql.identifier(appRole);
  await owner.execute(sql`grant select, insert on audit_entries, audit_checkpoints, audit_queue to ${role}`);
  await owner.execute(
    sql`revoke update, delete, truncate, references, trigger on audit_entries, audit_checkpoints from ${role}`,
  );
  // The sequencer removes queued entries once sequenced (the queue's trigger allows nothing else).
  await owner.execute(sql`grant delete on audit_queue to ${role}`);
  await owner.execute(sql`revoke update, truncate, references, trigger on audit_queue from ${role}`);
}
