-- Rebound schema, version 4 (SQLite): the people who sign in to the web UI.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts(id),  -- NULL for a platform operator
  email TEXT NOT NULL UNIQUE,                  -- lowercased
  password_hash TEXT NOT NULL,                 -- libsodium crypto_pwhash_str (Argon2id)
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
);

-- A signed-in browser: only a SHA-256 of its cookie is stored.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,                          -- every change sends it back
  created_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per address, so that guessing is slowed down on every node.
CREATE TABLE login_failures (
  email TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at INTEGER NOT NULL
);
