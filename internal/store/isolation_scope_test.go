package store_test

// The tables of TestWorkspaceIsolation that hold the methods it does not
// call with another workspace's rows, each with the reason; a method in
// none of its tables fails the test.

// unscoped are the DB's methods that do not take a workspace: the
// database itself, workspaces and users (which span workspaces), and the
// token lookup that finds a workspace.
var unscoped = map[string]bool{
	"Close": true, "Ping": true, "Dialect": true, "Pool": true, "Migrate": true, "MigrationStatus": true, "CheckSchema": true,
	"SurveyByPublicToken": true,
	"CreateWorkspace":     true, "Workspace": true, "WorkspaceBySlug": true,
	"CreateUser": true, "User": true, "UserByEmail": true, "InvitationByToken": true,
	// The customer page's token decides the workspace, as an invitation's.
	"AccountPageByToken": true,
	// Sessions, passwords and a user's memberships belong to the user,
	// who may be a member of several workspaces, not to a workspace.
	"CreateSession": true, "SessionUser": true, "DeleteSession": true, "DeleteUserSessions": true,
	"ResetPassword": true, "RehashPassword": true, "ChangePassword": true, "Memberships": true,
	// A single sign-on identity is the user's too.
	"UserByOIDC": true, "LinkOIDC": true,
	// The secret decides the workspace; the caller names none.
	"APITokenBySecret": true,
	// The sender works through every workspace's outbox; what it reads
	// and writes is keyed by the rows it claimed.
	"StartDueSends": true, "ClaimMessages": true, "FinishMessages": true, "QueueReminders": true,
	// The workspace's own settings, as CreateWorkspace.
	"SetFatigueDays": true, "SetRetentionMonths": true, "SetSettings": true,
	// A failed sign-in belongs to the user, as a session does.
	"RecordSignInFailure": true,
	// Retention works through every workspace with a period; what it
	// erases is keyed by the rows of each (TestRetention).
	"ApplyRetention": true,
	// The user's own setting, as the password.
	"SetUserLanguage": true,
	// The benchmark loader names its workspace by slug and makes it, as
	// CreateWorkspace.
	"LoadWorkload": true,
	// The follow-ups' periodic tasks work through every workspace's
	// alerts and rules; what they write is keyed by the rows they claim.
	"EscalateOverdue": true, "SilentKeyAccounts": true,
	// The loop works through every workspace's events, webhook
	// deliveries and emails; what it reads and writes is keyed by those
	// rows, and an event's facts are those of the event's own workspace.
	"PendingEvents": true, "EventFacts": true, "CompleteEvent": true, "PruneEvents": true,
	"PendingDeliveries": true, "DeliveriesQueued": true, "DeliveryToSend": true, "RecordDeliveryAttempt": true,
	"PendingNotifications": true, "NotificationsQueued": true, "NotificationToSend": true, "RecordNotification": true,
	// The comment analysis works through every workspace that has
	// responses to analyse.
	"InsightDue": true,
	// The digest task works through every workspace's due digests; what
	// it writes is keyed by the subscription it read. An unsubscribe
	// link's token decides the workspace, as an invitation's.
	"DueDigests": true, "QueueDigest": true, "DigestByToken": true, "UnsubscribeDigest": true,
	// A report link's token decides the workspace, as an invitation's.
	"ReportLinkByToken": true,
	// The operator's: a backup copies the whole database, the metrics
	// count the whole outbox and watch the pools.
	"BackupInto": true, "OutboxQueued": true, "Pools": true,
}

// refersToNothing are the workspace-scoped methods whose input names no
// other row, so that they cannot reach another workspace; AddMember and
// DeleteWorkspace are checked on their own.
var refersToNothing = map[string]bool{"CreateSurvey": true, "AddMember": true, "DeleteWorkspace": true, "CreateBenchmark": true,
	"CreateAlertRule": true, "CreateWebhookEndpoint": true, "Taxonomy": true, "SetTaxonomy": true, "InsightBacklog": true,
	"GrowthYears": true, "Brand": true, "UpdateBrand": true, "RecordAudit": true}
