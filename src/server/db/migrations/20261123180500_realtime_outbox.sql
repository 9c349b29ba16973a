-- Cross-instance live updates (issue #4): NOTIFY payloads are limited to 8,000 bytes, so an event too large for
-- one notification is stored here and the notification carries only the row id. Rows are read once by every
-- listening instance within milliseconds; instances purge rows older than a few minutes.

create table realtime_outbox (
  id bigserial primary key,
  payload text not null,
  created_at timestamptz not null default now()
);

create index realtime_outbox_created_at on realtime_outbox (created_at);
