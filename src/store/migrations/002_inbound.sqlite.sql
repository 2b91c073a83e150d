-- Rebound schema, version 2 (SQLite): bounces received over SMTP/LMTP, kept
-- as received before they are answered 250, then classified and applied.
CREATE TABLE inbound_messages (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  mail_from TEXT NOT NULL DEFAULT '',
  rcpt_to TEXT NOT NULL,                       -- the (signed) return path it came to
  send_id INTEGER,                             -- from the return path's token
  raw_message BLOB NOT NULL,
  state TEXT NOT NULL DEFAULT 'stored',        -- stored | applied | unmatched | failed
  note TEXT,
  processed_at INTEGER
);
CREATE INDEX inbound_messages_state ON inbound_messages (state, id);
