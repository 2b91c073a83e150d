-- Rebound schema, version 3 (PostgreSQL): what the REST API, the background
-- sender and the webhooks need. Times are seconds since the epoch; rates
-- are basis points (500 = 5.00%) so that every column is an integer.

-- Per-account numbers of the suppression policy and of the bounce-rate
-- brake; NULL takes the configuration's default.
ALTER TABLE accounts ADD COLUMN healing_second_within BIGINT;
ALTER TABLE accounts ADD COLUMN healing_lapse_after BIGINT;
ALTER TABLE accounts ADD COLUMN brake_min_sends BIGINT;
ALTER TABLE accounts ADD COLUMN brake_max_hard_bp BIGINT;

-- Keys of the API: only a SHA-256 of each (they are 256 random bits, so a
-- slow hash adds nothing) and a prefix to recognise it by.
CREATE TABLE api_keys (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT REFERENCES accounts(id),  -- NULL for an operator key
  name TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL,                         -- read | write | operator
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_keys_account ON api_keys (account_id, id);

-- A POST retried with the same Idempotency-Key answers as the first time.
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,                     -- whose key: "account:<id>" or "operator"
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,                  -- method, path and body
  status BIGINT,                              -- NULL while the first request runs
  content_type TEXT,
  response BYTEA,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Marketing emails are sent by a background job and may be paused by the
-- bounce-rate brake; the brake counts from the last resume.
ALTER TABLE emails ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';  -- sending | paused | sent
ALTER TABLE emails ADD COLUMN paused_at BIGINT;
ALTER TABLE emails ADD COLUMN paused_rate_bp BIGINT;
ALTER TABLE emails ADD COLUMN brake_base_sends BIGINT NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN brake_base_hard BIGINT NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN finished_at BIGINT;
ALTER TABLE emails ADD COLUMN lease_until BIGINT;                 -- a node is sending it
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
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  address TEXT NOT NULL,
  action TEXT NOT NULL,                        -- suppress | remove
  kind TEXT,                                   -- the suppression removed or added
  reason TEXT,
  by_user TEXT NOT NULL,
  why TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX suppression_changes_address ON suppression_changes (account_id, address);
ALTER TABLE account_suppressions ADD COLUMN note TEXT;  -- why, for a manual one

-- Counters per account, hour and receiving domain, kept in the transaction
-- of each change, so that statistics never scan the events.
CREATE TABLE stats_hourly (
  account_id BIGINT NOT NULL,
  hour BIGINT NOT NULL,                       -- seconds since the epoch / 3600
  domain TEXT NOT NULL,
  metric TEXT NOT NULL,                        -- sent | delivered | HARD | SOFT | PENDING | complaint
  reason TEXT NOT NULL DEFAULT '',
  count BIGINT NOT NULL,
  PRIMARY KEY (account_id, hour, metric, reason, domain)
);

-- Webhooks: endpoints, the outbox of events (written in the transaction of
-- the change), one delivery per event and endpoint, and every attempt.
CREATE TABLE webhook_endpoints (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  event_types TEXT NOT NULL DEFAULT '[]',      -- JSON array; empty: every type
  secret BYTEA NOT NULL,                        -- sealed with the configuration's key
  previous_secret BYTEA,                        -- still signs until previous_until
  previous_until BIGINT,
  enabled BIGINT NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, id);

CREATE TABLE webhook_events (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,                       -- the body sent
  created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id BIGSERIAL PRIMARY KEY,
  event_id BIGINT NOT NULL REFERENCES webhook_events(id),
  endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
  order_key TEXT NOT NULL,                     -- events of one contact go out in order
  state TEXT NOT NULL DEFAULT 'pending',       -- pending | delivered | failed
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,      -- a node is delivering it
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  last_status BIGINT,
  last_error TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at, id);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
  id BIGSERIAL PRIMARY KEY,
  delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries(id),
  endpoint_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  status BIGINT,                              -- the HTTP status; NULL when none came
  error TEXT,
  duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);

-- The host that answered, shown with a bounce.
ALTER TABLE bounce_events ADD COLUMN remote_mta TEXT;

-- Raw messages given to the API are kept like those of the receiver.
ALTER TABLE inbound_messages ADD COLUMN account_id BIGINT;
ALTER TABLE inbound_messages ADD COLUMN source TEXT NOT NULL DEFAULT 'smtp';  -- smtp | api
