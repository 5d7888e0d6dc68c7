-- The anonymous public link of a survey, and what the survey pages need
-- to tell a one-click answer from a considered one. PostgreSQL edition;
-- migrations/sqlite/00002_survey_link.sql is its equivalent.

-- +goose Up
-- public_token is the only credential of a survey's public link
-- (/p/{token}): random, URL-safe, set on first use, NULL until then.
ALTER TABLE surveys ADD COLUMN public_token text;
CREATE UNIQUE INDEX surveys_public_token ON surveys (public_token) WHERE public_token IS NOT NULL;

-- one_click_revision is the revision of the invitation's response that
-- the automatic one-click request of the survey page wrote, NULL when
-- none: only such an answer may be changed by a later one-click request,
-- so that a link scanner never overwrites what a person submitted.
ALTER TABLE invitations ADD COLUMN one_click_revision integer CHECK (one_click_revision >= 1);
