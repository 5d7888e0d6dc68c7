-- Single sign-on through an OpenID Connect provider, PostgreSQL edition;
-- migrations/sqlite/00013_oidc.sql is its equivalent.

-- +goose Up

-- An oidc_identities row links a user to the account they sign in with at
-- a provider: the provider's issuer URL and its subject identifier, which
-- OpenID Connect promises never to reassign within an issuer (an email
-- may change or move to someone else). A user has at most one identity
-- per issuer, so that another account at the provider that claims the
-- same email cannot take over the link. Identities belong to a user, not
-- to a workspace, like sessions.
CREATE TABLE oidc_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (user_id, issuer)
);
