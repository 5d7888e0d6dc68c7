package nps

import (
	"slices"
	"time"
)

// AuditAction names what an audit log entry records. The set is fixed:
// AuditActions lists every action, and the audit page filters by them.
type AuditAction string

// The audit log's actions.
const (
	// Sign-ins and sign-outs belong to a user, not to a workspace: the
	// owners of every workspace the user is a member of see them.
	AuditSignIn        AuditAction = "auth.sign_in"
	AuditSignInFailed  AuditAction = "auth.sign_in_failed"
	AuditSignOut       AuditAction = "auth.sign_out"
	AuditPasswordReset AuditAction = "auth.password_reset"
	// AuditPasswordChange is a user's own change, on the password page.
	AuditPasswordChange AuditAction = "auth.password_change"
	// AuditSSOLink is a user's first single sign-on, which linked the
	// provider's identity to them by their verified email: from then on
	// that identity signs in as them.
	AuditSSOLink AuditAction = "auth.sso_link"

	// AuditExport is a download of the workspace's data: a responses,
	// accounts or aggregates export, the calculation's CSV, the report.
	AuditExport        AuditAction = "data.export"
	AuditContactExport AuditAction = "contact.export"
	AuditContactErase  AuditAction = "contact.erase"
	AuditRetentionRun  AuditAction = "retention.run"

	AuditMemberAdd        AuditAction = "member.add"
	AuditTokenCreate      AuditAction = "token.create"
	AuditTokenRevoke      AuditAction = "token.revoke"
	AuditReportLinkCreate AuditAction = "report_link.create"
	AuditReportLinkRevoke AuditAction = "report_link.revoke"
	AuditWebhookCreate    AuditAction = "webhook.create"
	AuditWebhookUpdate    AuditAction = "webhook.update"
	AuditWebhookRotate    AuditAction = "webhook.rotate"
	AuditWebhookDelete    AuditAction = "webhook.delete"
	AuditSettingsUpdate   AuditAction = "settings.update"
)

// AuditActions is every action, in the order the audit page lists them.
var AuditActions = []AuditAction{
	AuditSignIn, AuditSignInFailed, AuditSignOut, AuditPasswordReset, AuditPasswordChange, AuditSSOLink,
	AuditExport, AuditContactExport, AuditContactErase, AuditRetentionRun,
	AuditMemberAdd, AuditTokenCreate, AuditTokenRevoke, AuditReportLinkCreate, AuditReportLinkRevoke,
	AuditWebhookCreate, AuditWebhookUpdate, AuditWebhookRotate, AuditWebhookDelete, AuditSettingsUpdate,
}

// Valid reports whether a is one of AuditActions.
func (a AuditAction) Valid() bool { return slices.Contains(AuditActions, a) }

// ActorKind says who did what an audit entry records.
type ActorKind string

// The kinds of actor.
const (
	// ActorUser is a signed-in user of the web pages.
	ActorUser ActorKind = "user"
	// ActorToken is an API token of the REST API.
	ActorToken ActorKind = "token"
	// ActorCLI is an operator at the command line, who signs in to nothing.
	ActorCLI ActorKind = "cli"
	// ActorSystem is Promotor itself: a periodic task such as retention.
	ActorSystem ActorKind = "system"
)

// Actor is who does a change: it is recorded with every audit entry.
type Actor struct {
	Kind ActorKind
	// UserID is the user, for ActorUser; TokenID the token, for
	// ActorToken.
	UserID  int64
	TokenID int64
	// Name is a snapshot of the user's email or the token's name when the
	// entry is written, so that the entry still says who after a rename.
	Name string
	// IP is the client's address, for web and API requests.
	IP string
}

// AuditEntry is one line of the audit log. It is written in the
// transaction of the change it records and never changed afterwards.
type AuditEntry struct {
	ID int64
	// WorkspaceID is the workspace the entry belongs to; 0 for an entry
	// about a user (a sign-in), which UserID names.
	WorkspaceID int64
	UserID      int64
	At          time.Time
	Actor       Actor
	Action      AuditAction
	// Subject says what the action was done to ("contact 42",
	// "token 'CRM'"); Detail adds a little more ("responses.csv").
	// Neither holds a contact's personal data.
	Subject string
	Detail  string
}
