-- Tamper-evident audit log: an RFC 9162 Merkle tree over entries stored as the exact bytes that were hashed.
-- See docs/ARCHITECTURE.md, "Audit log".

-- Business transactions only INSERT here: no counter row, so concurrent writers never wait on each other.
-- The single sequencer drains this queue in id order into audit_entries. A transaction that commits late
-- (after later ids were sequenced) is still picked up: the queue holds exactly the unsequenced entries.
create table audit_queue (
  id bigint generated always as identity primary key,
  entry bytea not null,                 -- canonical JSON bytes (see audit.entry.ts); never jsonb
  queued_at timestamptz not null default now()
);

create table audit_entries (
  leaf_index bigint primary key check (leaf_index >= 0),
  entry bytea not null,                 -- the exact bytes hashed into the tree
  leaf_hash bytea not null check (length(leaf_hash) = 32),   -- SHA-256(0x00 || entry)
  queue_id bigint not null unique,
  sequenced_at timestamptz not null default now()
);

-- Signed tree heads. One per sequencing batch; the latest one covers every sequenced entry.
create table audit_checkpoints (
  tree_size bigint primary key check (tree_size >= 0),
  root_hash bytea not null check (length(root_hash) = 32),
  signed_at timestamptz not null,
  key_id text not null,
  signature bytea not null
);

-- Append-only, enforced for every role that does not own the tables (and, on PGlite, for everyone who does not
-- first disable the triggers as a superuser would).
create function audit_reject_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only: % on % is not allowed', tg_op, tg_table_name
    using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_entries_append_only before update or delete on audit_entries
  for each row execute function audit_reject_change();
create trigger audit_entries_no_truncate before truncate on audit_entries
  for each statement execute function audit_reject_change();
create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
  for each row execute function audit_reject_change();
create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
  for each statement execute function audit_reject_change();

-- A queued entry may leave the queue only once it is in the tree (same transaction as the sequencer's insert);
-- it can never be updated, and the queue cannot be truncated.
create function audit_queue_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if exists (select 1 from audit_entries where queue_id = old.id) then
      return old;
    end if;
    raise exception 'audit entry % is not sequenced yet and cannot be removed from the queue', old.id
      using errcode = 'insufficient_privilege';
  end if;
  raise exception 'the audit queue is append-only: % is not allowed', tg_op
    using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_queue_guard before update or delete on audit_queue
  for each row execute function audit_queue_guard();
create trigger audit_queue_no_truncate before truncate on audit_queue
  for each statement execute function audit_queue_guard();
