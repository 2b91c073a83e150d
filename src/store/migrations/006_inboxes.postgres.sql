-- Rebound schema, version 6 (PostgreSQL): connected inboxes, the one-to-one
-- email sent through them, and where each watched folder was read up to.
CREATE TABLE inboxes (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  user_email TEXT NOT NULL,                    -- the user of the account it belongs to
  address TEXT NOT NULL,                       -- the mailbox's own address (From of its sends)
  provider TEXT NOT NULL,                      -- gmail | office365 | imap
  imap_host TEXT NOT NULL,
  imap_port BIGINT NOT NULL,
  imap_tls TEXT NOT NULL,                      -- tls (implicit) | starttls
  smtp_host TEXT NOT NULL,
  smtp_port BIGINT NOT NULL,
  smtp_tls TEXT NOT NULL,                      -- tls | starttls
  username TEXT NOT NULL,
  auth TEXT NOT NULL,                          -- password | oauth2
  secret BYTEA NOT NULL,                        -- sealed: the password, or the refresh token
  token_url TEXT NOT NULL DEFAULT '',
  client_id TEXT NOT NULL DEFAULT '',
  client_secret BYTEA,                          -- sealed
  state TEXT NOT NULL DEFAULT 'connecting',    -- connecting | watching | auth_failed | unreachable | removed
  last_error TEXT NOT NULL DEFAULT '',
  state_at BIGINT NOT NULL,
  lease_owner TEXT,                            -- the node watching it
  lease_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX inboxes_account ON inboxes (account_id, id);

CREATE TABLE inbox_folders (
  inbox_id BIGINT NOT NULL REFERENCES inboxes(id),
  role TEXT NOT NULL,                          -- inbox | junk
  name TEXT NOT NULL,                          -- the folder's name on the server
  uidvalidity BIGINT NOT NULL,
  last_uid BIGINT NOT NULL,                   -- every message up to it was handled
  synced_at BIGINT NOT NULL,
  PRIMARY KEY (inbox_id, role)
);

-- A one-to-one email is an email of kind one_to_one with one send, sent
-- through an inbox.
ALTER TABLE emails ADD COLUMN inbox_id BIGINT REFERENCES inboxes(id);
-- marketing | one_to_one: one-to-one bounces follow their own rule
-- (PRODUCT.md section 4) and stay out of the marketing statistics.
ALTER TABLE bounce_events ADD COLUMN channel TEXT NOT NULL DEFAULT 'marketing';
ALTER TABLE bounce_events ADD COLUMN matched_by TEXT NOT NULL DEFAULT '';  -- how a one-to-one bounce was matched
