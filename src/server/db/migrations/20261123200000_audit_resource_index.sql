-- Audit entries by resource (issue 5, the deployment record): a demand's page lists every entry about the demand,
-- its plans, approvals and assignments. Entries are stored as exact canonical JSON bytes (never jsonb), so the
-- resource id is read out of them by an immutable function and indexed, instead of scanning the whole log.
-- Bytes that are not a JSON entry (only possible through tampering, which `audit verify` reports) index as null
-- rather than blocking the sequencer.
create function audit_entry_resource_id(entry bytea) returns text
  language plpgsql immutable strict parallel safe as $$
begin
  return convert_from(entry, 'UTF8')::json ->> 'resourceId';
exception when others then
  return null;
end
$$;

create index audit_entries_resource_idx on audit_entries (audit_entry_resource_id(entry));
