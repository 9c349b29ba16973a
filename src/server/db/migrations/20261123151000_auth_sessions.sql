-- Authentication: sessions with opaque tokens (stored as SHA-256 hex digests, never in clear), rotating
-- refresh tokens with reuse detection, password history, and TOTP replay protection.

create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  access_token_hash text not null unique,   -- sha256(access token), hex; looked up on every request
  access_expires_at timestamptz not null,
  expires_at timestamptz not null,          -- absolute end of the session (login + refresh TTL)
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text check (revoked_reason in ('logout', 'user', 'password_change', 'password_reset', 'refresh_reuse', 'admin')),
  ip text,
  user_agent text
);
create index sessions_user_idx on sessions (user_id);

-- Every refresh token ever issued for a session. A rotated one (rotated_at set) presented again means it was
-- stolen or replayed: the whole session is revoked.
create table session_refresh_tokens (
  token_hash text primary key,              -- sha256(refresh token), hex
  session_id uuid not null references sessions (id) on delete cascade,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
create index session_refresh_tokens_session_idx on session_refresh_tokens (session_id);

-- Earlier password hashes (argon2id), newest first, for the "not one of the last N passwords" rule.
create table password_history (
  id bigserial primary key,
  user_id uuid not null references users (id) on delete cascade,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create index password_history_user_idx on password_history (user_id, id desc);

-- RFC 6238 time step of the last accepted TOTP code: a code is accepted only for a later step (no replay).
alter table users add column totp_last_step bigint;
