-- The per-request session check as one function: PL/pgSQL caches the plan of its query per connection, so
-- each request pays for parsing and planning `select * from auth_session_lookup($1, $2)` only, not for the
-- joins and aggregates inside (about half the cost of an authenticated request on the embedded database).
create function auth_session_lookup(p_access_token_hash text, p_now timestamptz)
returns table (
  session_id uuid,
  user_id uuid,
  access_expires_at timestamptz,
  expires_at timestamptz,
  last_seen_at timestamptz,
  revoked_at timestamptz,
  username text,
  status text,
  must_change_password boolean,
  password_changed_at timestamptz,
  assignments json,
  grants json
)
language plpgsql stable
as $$
#variable_conflict use_column
begin
  return query
  select s.id, s.user_id, s.access_expires_at, s.expires_at, s.last_seen_at, s.revoked_at,
         u.username, u.status, u.must_change_password, u.password_changed_at,
         (select coalesce(json_agg(json_build_object(
                    'role', ra.role, 'jurisdictionId', ra.jurisdiction_id, 'jurisdictionPath', j.path)
                  order by ra.role, ra.jurisdiction_id), '[]'::json)
            from role_assignments ra join jurisdictions j on j.id = ra.jurisdiction_id
           where ra.user_id = s.user_id),
         (select coalesce(json_agg(json_build_object(
                    'id', g.id, 'taskRef', g.task_ref, 'jurisdictionId', g.jurisdiction_id, 'jurisdictionPath', j.path,
                    'actions', g.actions, 'startsAt', g.starts_at, 'endsAt', g.ends_at)
                  order by g.starts_at, g.id), '[]'::json)
            from task_grants g join jurisdictions j on j.id = g.jurisdiction_id
           where g.user_id = s.user_id and g.revoked_at is null and g.starts_at <= p_now and g.ends_at > p_now)
    from sessions s join users u on u.id = s.user_id
   where s.access_token_hash = p_access_token_hash;
end
$$;
