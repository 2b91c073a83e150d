-- Rebound schema, version 2 (PostgreSQL): bounces received over SMTP/LMTP, kept
-- as received before they are answered 250, then classified and applied.
CREATE TABLE inbound_messages (
  id BIGSERIAL PRIMARY KEY,
  received_at BIGINT NOT NULL,
  mail_from TEXT NOT NULL DEFAULT '',
  rcpt_to TEXT NOT NULL,                       -- the (signed) return path it came to
  send_id BIGINT,                             -- from the return path's token
  raw_message BYTEA NOT NULL,
  state TEXT NOT NULL DEFAULT 'stored',        -- stored | applied | unmatched | failed
  note TEXT,
  processed_at BIGINT
);
CREATE INDEX inbound_messages_state ON inbound_messages (state, id);
