-- Rebound schema, version 4 (PostgreSQL): the people who sign in to the web UI.

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT REFERENCES accounts(id),  -- NULL for a platform operator
  email TEXT NOT NULL UNIQUE,                  -- lowercased
  password_hash TEXT NOT NULL,                 -- libsodium crypto_pwhash_str (Argon2id)
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);

-- A signed-in browser: only a SHA-256 of its cookie is stored.
CREATE TABLE sessions (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,                          -- every change sends it back
  created_at BIGINT NOT NULL,
  seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per address, so that guessing is slowed down on every node.
CREATE TABLE login_failures (
  email TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_at BIGINT NOT NULL
);
