-- Three-way separation of duties (三权分立, MLPS level 3): system_admin, security_admin and auditor are never
-- held by one account. The users service checks this under a row lock on the user and answers
-- SEPARATION_OF_DUTIES; this trigger is the backstop for every other writer (CLI, seeds, manual SQL).
create function role_assignments_separation_of_duties() returns trigger
language plpgsql as $$
begin
  if new.role in ('system_admin', 'security_admin', 'auditor') and exists (
    select 1 from role_assignments
     where user_id = new.user_id
       and role in ('system_admin', 'security_admin', 'auditor')
       and role <> new.role
       and id <> new.id
  ) then
    raise exception 'separation of duties: user % cannot hold % together with another of system_admin, security_admin, auditor',
      new.user_id, new.role
      using errcode = 'check_violation', constraint = 'role_assignments_separation_of_duties';
  end if;
  return new;
end;
$$;

create trigger role_assignments_separation_of_duties
  before insert or update of role, user_id on role_assignments
  for each row execute function role_assignments_separation_of_duties();

-- Grants are looked up per user on every request and listed per receiving jurisdiction.
create index task_grants_jurisdiction_idx on task_grants (jurisdiction_id);
