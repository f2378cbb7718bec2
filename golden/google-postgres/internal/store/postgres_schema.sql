-- Schema of the PostgreSQL store. It runs at every start, in one transaction
-- holding an advisory lock, so replicas starting together apply it one after
-- the other; every statement is idempotent. schema_version records what has
-- been applied, for later versions to migrate from.
--
-- NULL stands for "never" (an upstream token without expiry, a code not yet
-- used, a refresh token not yet rotated). Our own tokens, codes, states and
-- client secrets appear only as SHA-256 hashes, and upstream tokens only
-- sealed with AES-256-GCM.

CREATE TABLE IF NOT EXISTS schema_version (
	version integer PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS clients (
	id                         text PRIMARY KEY,
	secret_hash                text NOT NULL,
	name                       text NOT NULL,
	redirect_uris              text[],
	grant_types                text[],
	response_types             text[],
	token_endpoint_auth_method text NOT NULL,
	scope                      text NOT NULL,
	client_uri                 text NOT NULL,
	logo_uri                   text NOT NULL,
	registered_from            text NOT NULL,
	created_at                 timestamptz NOT NULL,
	expires_at                 timestamptz NOT NULL
);
-- Counting an address's live registrations is the registration cap.
CREATE INDEX IF NOT EXISTS clients_registered_from ON clients (registered_from, expires_at);
CREATE INDEX IF NOT EXISTS clients_expires_at ON clients (expires_at);

CREATE TABLE IF NOT EXISTS consents (
	user_id    text NOT NULL,
	client_id  text NOT NULL,
	scope      text NOT NULL,
	expires_at timestamptz NOT NULL,
	PRIMARY KEY (user_id, client_id)
);
CREATE INDEX IF NOT EXISTS consents_expires_at ON consents (expires_at);

CREATE TABLE IF NOT EXISTS pending (
	state_hash            text PRIMARY KEY,
	client_id             text NOT NULL,
	redirect_uri          text NOT NULL,
	client_state          text NOT NULL,
	code_challenge        text NOT NULL,
	code_challenge_method text NOT NULL,
	resource              text NOT NULL,
	scope                 text NOT NULL,
	upstream_verifier     text NOT NULL,
	nonce                 text NOT NULL,
	expires_at            timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_expires_at ON pending (expires_at);

CREATE TABLE IF NOT EXISTS codes (
	hash                  text PRIMARY KEY,
	grant_id              text NOT NULL,
	client_id             text NOT NULL,
	redirect_uri          text NOT NULL,
	code_challenge        text NOT NULL,
	code_challenge_method text NOT NULL,
	resource              text NOT NULL,
	scope                 text NOT NULL,
	user_id               text NOT NULL,
	user_name             text NOT NULL,
	upstream_sealed       bytea,
	upstream_expires_at   timestamptz,
	expires_at            timestamptz NOT NULL,
	used_at               timestamptz
);
CREATE INDEX IF NOT EXISTS codes_expires_at ON codes (expires_at);

-- Revoking a grant deletes its row; the foreign keys take every token issued
-- under it along.
CREATE TABLE IF NOT EXISTS grants (
	id                  text PRIMARY KEY,
	client_id           text NOT NULL,
	user_id             text NOT NULL,
	user_name           text NOT NULL,
	scope               text NOT NULL,
	resource            text NOT NULL,
	upstream_sealed     bytea,
	upstream_expires_at timestamptz,
	created_at          timestamptz NOT NULL,
	expires_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS grants_expires_at ON grants (expires_at);

CREATE TABLE IF NOT EXISTS access_tokens (
	hash       text PRIMARY KEY,
	grant_id   text NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
	client_id  text NOT NULL,
	user_id    text NOT NULL,
	scope      text NOT NULL,
	resource   text NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS access_tokens_grant_id ON access_tokens (grant_id);
CREATE INDEX IF NOT EXISTS access_tokens_expires_at ON access_tokens (expires_at);

-- A rotated-out refresh token is kept until it expires: rotated_at and
-- next_sealed let a duplicate refresh within the grace window receive the
-- same new pair, and a later reuse be recognised and punished.
CREATE TABLE IF NOT EXISTS refresh_tokens (
	hash        text PRIMARY KEY,
	grant_id    text NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
	client_id   text NOT NULL,
	expires_at  timestamptz NOT NULL,
	rotated_at  timestamptz,
	next_sealed bytea
);
CREATE INDEX IF NOT EXISTS refresh_tokens_grant_id ON refresh_tokens (grant_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON refresh_tokens (expires_at);

INSERT INTO schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
