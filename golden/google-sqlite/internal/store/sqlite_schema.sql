-- Schema of the SQLite store. It runs at every start inside one write
-- transaction and every statement is idempotent, so a restart, or two
-- processes starting at once, is safe. schema_version records what has been
-- applied, for later versions to migrate from.
--
-- Times are Unix microseconds; NULL stands for "never" (an upstream token
-- without expiry, a code not yet used, a refresh token not yet rotated).
-- Our own tokens, codes, states and client secrets appear only as SHA-256
-- hashes, and upstream tokens only sealed with AES-256-GCM.

CREATE TABLE IF NOT EXISTS schema_version (
	version INTEGER PRIMARY KEY
) STRICT;

CREATE TABLE IF NOT EXISTS clients (
	id                         TEXT PRIMARY KEY,
	secret_hash                TEXT NOT NULL,
	name                       TEXT NOT NULL,
	redirect_uris              TEXT NOT NULL, -- JSON array
	grant_types                TEXT NOT NULL, -- JSON array
	response_types             TEXT NOT NULL, -- JSON array
	token_endpoint_auth_method TEXT NOT NULL,
	scope                      TEXT NOT NULL,
	client_uri                 TEXT NOT NULL,
	logo_uri                   TEXT NOT NULL,
	registered_from            TEXT NOT NULL,
	created_at                 INTEGER NOT NULL,
	expires_at                 INTEGER NOT NULL
) STRICT;
-- Counting an address's live registrations is the registration cap.
CREATE INDEX IF NOT EXISTS clients_registered_from ON clients (registered_from, expires_at);
CREATE INDEX IF NOT EXISTS clients_expires_at ON clients (expires_at);

CREATE TABLE IF NOT EXISTS consents (
	user_id    TEXT NOT NULL,
	client_id  TEXT NOT NULL,
	scope      TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, client_id)
) STRICT;
CREATE INDEX IF NOT EXISTS consents_expires_at ON consents (expires_at);

CREATE TABLE IF NOT EXISTS pending (
	state_hash            TEXT PRIMARY KEY,
	client_id             TEXT NOT NULL,
	redirect_uri          TEXT NOT NULL,
	client_state          TEXT NOT NULL,
	code_challenge        TEXT NOT NULL,
	code_challenge_method TEXT NOT NULL,
	resource              TEXT NOT NULL,
	scope                 TEXT NOT NULL,
	upstream_verifier     TEXT NOT NULL,
	nonce                 TEXT NOT NULL,
	expires_at            INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS pending_expires_at ON pending (expires_at);

CREATE TABLE IF NOT EXISTS codes (
	hash                  TEXT PRIMARY KEY,
	grant_id              TEXT NOT NULL,
	client_id             TEXT NOT NULL,
	redirect_uri          TEXT NOT NULL,
	code_challenge        TEXT NOT NULL,
	code_challenge_method TEXT NOT NULL,
	resource              TEXT NOT NULL,
	scope                 TEXT NOT NULL,
	user_id               TEXT NOT NULL,
	user_name             TEXT NOT NULL,
	upstream_sealed       BLOB,
	upstream_expires_at   INTEGER,
	expires_at            INTEGER NOT NULL,
	used_at               INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS codes_expires_at ON codes (expires_at);

-- Revoking a grant deletes its row; the foreign keys take every token issued
-- under it along.
CREATE TABLE IF NOT EXISTS grants (
	id                  TEXT PRIMARY KEY,
	client_id           TEXT NOT NULL,
	user_id             TEXT NOT NULL,
	user_name           TEXT NOT NULL,
	scope               TEXT NOT NULL,
	resource            TEXT NOT NULL,
	upstream_sealed     BLOB,
	upstream_expires_at INTEGER,
	created_at          INTEGER NOT NULL,
	expires_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS grants_expires_at ON grants (expires_at);

CREATE TABLE IF NOT EXISTS access_tokens (
	hash       TEXT PRIMARY KEY,
	grant_id   TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
	client_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	scope      TEXT NOT NULL,
	resource   TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS access_tokens_grant_id ON access_tokens (grant_id);
CREATE INDEX IF NOT EXISTS access_tokens_expires_at ON access_tokens (expires_at);

-- A rotated-out refresh token is kept until it expires: rotated_at and
-- next_sealed let a duplicate refresh within the grace window receive the
-- same new pair, and a later reuse be recognised and punished.
CREATE TABLE IF NOT EXISTS refresh_tokens (
	hash        TEXT PRIMARY KEY,
	grant_id    TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
	client_id   TEXT NOT NULL,
	expires_at  INTEGER NOT NULL,
	rotated_at  INTEGER,
	next_sealed BLOB
) STRICT;
CREATE INDEX IF NOT EXISTS refresh_tokens_grant_id ON refresh_tokens (grant_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON refresh_tokens (expires_at);

INSERT OR IGNORE INTO schema_version (version) VALUES (1);
