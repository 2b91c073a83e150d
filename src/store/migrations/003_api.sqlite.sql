-- Rebound schema, version 3 (SQLite): what the REST API, the background
-- sender and the webhooks need. Times are seconds since the epoch; rates
-- are basis points (500 = 5.00%) so that every column is an integer.

-- Per-account numbers of the suppression policy and of the bounce-rate
-- brake; NULL takes the configuration's default.
ALTER TABLE accounts ADD COLUMN healing_second_within INTEGER;
ALTER TABLE accounts ADD COLUMN healing_lapse_after INTEGER;
ALTER TABLE accounts ADD COLUMN brake_min_sends INTEGER;
ALTER TABLE accounts ADD COLUMN brake_max_hard_bp INTEGER;

-- Keys of the API: only a SHA-256 of each (they are 256 random bits, so a
-- slow hash adds nothing) and a prefix to recognise it by.
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts(id),  -- NULL for an operator key
  name TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL,                         -- read | write | operator
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_account ON api_keys (account_id, id);

-- A POST retried with the same Idempotency-Key answers as the first time.
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,                     -- whose key: "account:<id>" or "operator"
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,                  -- method, path and body
  status INTEGER,                              -- NULL while the first request runs
  content_type TEXT,
  response BLOB,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Marketing emails are sent by a background job and may be paused by the
-- bounce-rate brake; the brake counts from the last resume.
ALTER TABLE emails ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';  -- sending | paused | sent
ALTER TABLE emails ADD COLUMN paused_at INTEGER;
ALTER TABLE emails ADD COLUMN paused_rate_bp INTEGER;
ALTER TABLE emails ADD COLUMN brake_base_sends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN brake_base_hard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN finished_at INTEGER;
ALTER TABLE emails ADD COLUMN lease_until INTEGER;                 -- a node is sending it
CREATE INDEX emails_account ON emails (account_id, id);
CREATE INDEX emails_state ON emails (state, id);
CREATE INDEX sends_email ON sends (email_id, state, id);
CREATE INDEX sends_contact ON sends (contact_id, id);
CREATE INDEX delivery_attempts_send ON delivery_attempts (send_id, id);
CREATE INDEX bounce_events_account ON bounce_events (account_id, id);
CREATE INDEX bounce_events_send ON bounce_events (send_id);
CREATE INDEX contacts_status ON contacts (account_id, bounce_status, id);
CREATE INDEX contacts_address ON contacts (address);
CREATE INDEX unbounces_address ON unbounces (account_id, address);
CREATE INDEX complaints_address ON complaints (account_id, address);

-- Manual suppressions and their removal, audited like an unbounce.
CREATE TABLE suppression_changes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  address TEXT NOT NULL,
  action TEXT NOT NULL,                        -- suppress | remove
  kind TEXT,                                   -- the suppression removed or added
  reason TEXT,
  by_user TEXT NOT NULL,
  why TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX suppression_changes_address ON suppression_changes (account_id, address);
ALTER TABLE account_suppressions ADD COLUMN note TEXT;  -- why, for a manual one

-- Counters per account, hour and receiving domain, kept in the transaction
-- of each change, so that statistics never scan the events.
CREATE TABLE stats_hourly (
  account_id INTEGER NOT NULL,
  hour INTEGER NOT NULL,                       -- seconds since the epoch / 3600
  domain TEXT NOT NULL,
  metric TEXT NOT NULL,                        -- sent | delivered | HARD | SOFT | PENDING | complaint
  reason TEXT NOT NULL DEFAULT '',
  count INTEGER NOT NULL,
  PRIMARY KEY (account_id, hour, metric, reason, domain)
);

-- Webhooks: endpoints, the outbox of events (written in the transaction of
-- the change), one delivery per event and endpoint, and every attempt.
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  event_types TEXT NOT NULL DEFAULT '[]',      -- JSON array; empty: every type
  secret BLOB NOT NULL,                        -- sealed with the configuration's key
  previous_secret BLOB,                        -- still signs until previous_until
  previous_until INTEGER,
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, id);

CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,                       -- the body sent
  created_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES webhook_events(id),
  endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
  order_key TEXT NOT NULL,                     -- events of one contact go out in order
  state TEXT NOT NULL DEFAULT 'pending',       -- pending | delivered | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,      -- a node is delivering it
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  last_status INTEGER,
  last_error TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at, id);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id),
  endpoint_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status INTEGER,                              -- the HTTP status; NULL when none came
  error TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);

-- The host that answered, shown with a bounce.
ALTER TABLE bounce_events ADD COLUMN remote_mta TEXT;

-- Raw messages given to the API are kept like those of the receiver.
ALTER TABLE inbound_messages ADD COLUMN account_id INTEGER;
ALTER TABLE inbound_messages ADD COLUMN source TEXT NOT NULL DEFAULT 'smtp';  -- smtp | api
