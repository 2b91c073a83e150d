-- Rebound schema, version 1 (PostgreSQL). Times are seconds since the epoch.
CREATE TABLE accounts (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL DEFAULT 'strict',       -- strict | healing
  created_at BIGINT NOT NULL
);

CREATE TABLE contacts (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  address TEXT NOT NULL,                       -- lowercased
  properties TEXT NOT NULL DEFAULT '{}',       -- JSON object
  hard_bounce_reason TEXT,                     -- the "email hard bounce reason" property
  bounce_status TEXT NOT NULL DEFAULT 'none',  -- none | soft | hard
  created_at BIGINT NOT NULL,
  UNIQUE (account_id, address)
);

CREATE TABLE emails (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL,                          -- marketing | one_to_one
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  from_address TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);

CREATE TABLE sends (
  id BIGSERIAL PRIMARY KEY,
  email_id BIGINT NOT NULL REFERENCES emails(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  contact_id BIGINT NOT NULL REFERENCES contacts(id),
  message_id TEXT UNIQUE,                      -- the Message-ID it was sent with
  state TEXT NOT NULL DEFAULT 'queued',        -- queued | pending | delivered | bounced | not_sent
  bounce_type TEXT,                            -- HARD | SOFT
  reason TEXT,
  last_reply TEXT,
  first_attempt_at BIGINT,
  last_attempt_at BIGINT,
  next_attempt_at BIGINT,
  attempts BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX sends_pending ON sends (state, next_attempt_at);

CREATE TABLE delivery_attempts (
  id BIGSERIAL PRIMARY KEY,
  send_id BIGINT NOT NULL REFERENCES sends(id),
  at BIGINT NOT NULL,
  reply TEXT,
  type TEXT,
  reason TEXT
);

CREATE TABLE bounce_events (
  id BIGSERIAL PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,            -- makes processing the same bounce twice a no-op
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  contact_id BIGINT REFERENCES contacts(id),
  send_id BIGINT REFERENCES sends(id),
  address TEXT NOT NULL,
  type TEXT NOT NULL,                          -- HARD | SOFT | PENDING | NONE
  reason TEXT,
  cause TEXT NOT NULL,
  status TEXT,
  reply_code TEXT,
  diagnostic TEXT,
  format TEXT,
  evidence TEXT NOT NULL DEFAULT '[]',         -- JSON array
  raw_message BYTEA,                           -- the message as received
  occurred_at BIGINT NOT NULL,
  lifted BIGINT NOT NULL DEFAULT 0            -- lifted by an unbounce: no longer counts
);
CREATE INDEX bounce_events_address ON bounce_events (address, occurred_at);
CREATE INDEX bounce_events_contact ON bounce_events (account_id, address, occurred_at);

CREATE TABLE account_suppressions (
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  address TEXT NOT NULL,
  kind TEXT NOT NULL,                          -- hard_bounce | complaint
  reason TEXT,                                 -- the hard bounce reason
  since BIGINT NOT NULL,
  bounce_event_id BIGINT REFERENCES bounce_events(id),
  PRIMARY KEY (account_id, address)
);

-- One row per address ever considered for a global bounce; locked while a
-- bounce for the address is applied so that concurrent ingests count once.
CREATE TABLE addresses (
  address TEXT PRIMARY KEY,
  global_since BIGINT,                        -- set while globally suppressed
  global_lifted_at BIGINT,
  global_lifted_by TEXT
);

CREATE TABLE unbounces (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT REFERENCES accounts(id), -- NULL for an operator's global lift
  address TEXT NOT NULL,
  reason TEXT,
  by_user TEXT NOT NULL,
  why TEXT NOT NULL,
  at BIGINT NOT NULL
);

CREATE TABLE complaints (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  address TEXT NOT NULL,
  feedback_type TEXT,
  bounce_event_id BIGINT REFERENCES bounce_events(id),
  at BIGINT NOT NULL
);

-- Every change of an address's global state, for audit.
CREATE TABLE global_events (
  id BIGSERIAL PRIMARY KEY,
  address TEXT NOT NULL,
  kind TEXT NOT NULL,                          -- global | lifted
  by_user TEXT,
  at BIGINT NOT NULL
);
