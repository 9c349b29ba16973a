-- Merged duplicate calls (issue 4): the duplicate is cancelled and points at the incident that carries on;
-- its callers are copied over, and its public query code follows the kept incident's progress.
alter table incidents add column merged_into text references incidents (id);
