package store_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

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

// TestWorkspaceIsolation calls every workspace-scoped method with workspace
// A's ID and workspace B's rows: each must act as if B's rows did not
// exist, and B must be unchanged afterwards.
func TestWorkspaceIsolation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := newFixture(t, db, "tenant-b")
		bInv := must(db.CreateInvitation(ctx, b.ws.ID, b.wave.ID, b.contact.ID))(t)
		bResp := must(db.RecordResponse(ctx, b.ws.ID, nps.Response{WaveID: b.wave.ID, InvitationID: bInv.ID, Score: 2, Channel: nps.ChannelEmail}))(t)
		must(db.RecordResponse(ctx, b.ws.ID, nps.Response{WaveID: b.wave.ID, InvitationID: bInv.ID, Score: 4, Channel: nps.ChannelEmail}))(t)
		bTok, _ := must2(db.CreateAPIToken(ctx, b.ws.ID, "B's import", b.owner.ID))(t)
		// Natural keys that only B has, so that a lookup from A that
		// finds them can only have found B's rows.
		bAccount := must(db.CreateAccount(ctx, b.ws.ID, nps.Account{ExternalID: "CRM-B", Name: "Only in B", OwnerID: b.owner.ID,
			Industry: "Only-B industry", Attributes: map[string]string{"only-b": "x"}}))(t)
		bContact := must(db.CreateContact(ctx, b.ws.ID, nps.Contact{AccountID: bAccount.ID, Email: "bob@tenant-b.example"}))(t)
		// B's stored answer for an Idempotency-Key, which A must not be
		// able to replay by sending the same key and body.
		bKey, bHash := "import-1", "hash-1"
		bBatch := []nps.Response{{WaveID: b.wave.ID, ContactID: bContact.ID, Score: 9, Channel: nps.ChannelAPI}}
		if _, _, err := db.RecordResponsesOnce(ctx, b.ws.ID, bKey, bHash, bBatch, func([]nps.Response) (store.StoredAnswer, error) {
			return store.StoredAnswer{Status: 201, Body: []byte(`{"workspace":"B"}`)}, nil
		}); err != nil {
			t.Fatalf("RecordResponsesOnce in B: %v", err)
		}
		bSend := must(db.CreateSend(ctx, b.ws.ID, nps.Send{WaveID: b.wave.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
			ScheduledAt: t0.Add(24 * time.Hour), PerMinute: 60}))(t)
		bMapping := importer.Mapping{"email": "B's column"}
		if err := db.SaveImportMapping(ctx, b.ws.ID, importer.Contacts, bMapping); err != nil {
			t.Fatal(err)
		}
		// B's tag and benchmark.
		if err := db.AddTag(ctx, b.ws.ID, bResp.ID, "b-tag", b.owner.ID); err != nil {
			t.Fatal(err)
		}
		bBench := must(db.CreateBenchmark(ctx, b.ws.ID, nps.Benchmark{Name: "B's sector", NPS: 10}))(t)
		bAlerts := newAlertRows(t, b)
		bComment := must(db.RecordResponse(ctx, b.ws.ID, nps.Response{WaveID: b.wave.ID, ContactID: bContact.ID, Score: 3,
			Comment: "#b-theme bad", Answers: nps.Answers{SwitchIntent: nps.SwitchYes}, Channel: nps.ChannelLink}))(t)
		analyseAll(t, db, b.ws.ID)
		promoterCalls := promoterIsolation(t, db, b)
		must(db.SetDigest(ctx, b.ws.ID, b.owner.ID, nps.DigestWeekly))(t)
		if err := db.RecordSignInFailure(ctx, b.owner.ID); err != nil {
			t.Fatal(err)
		}
		a := newFixture(t, db, "tenant-a")
		b.clock = a.clock
		before := dumpWorkspace(t, db, b)
		A := a.ws.ID

		notFound := map[string]func() error{
			"Membership":    func() error { _, err := db.Membership(ctx, A, b.owner.ID); return err },
			"ImportMapping": func() error { _, err := db.ImportMapping(ctx, A, importer.Contacts); return err },
			"CreateAccount": func() error {
				_, err := db.CreateAccount(ctx, A, nps.Account{Name: "Steal", OwnerID: b.owner.ID})
				return err
			},
			"UpsertAccount": func() error {
				_, err := db.UpsertAccount(ctx, A, nps.Account{ExternalID: "X", Name: "Steal", OwnerID: b.owner.ID})
				return err
			},
			"Account":         func() error { _, err := db.Account(ctx, A, b.account.ID); return err },
			"AddTag":          func() error { return db.AddTag(ctx, A, bResp.ID, "stolen", a.owner.ID) },
			"DeleteBenchmark": func() error { return db.DeleteBenchmark(ctx, A, bBench.ID) },
			"CreateContact": func() error {
				_, err := db.CreateContact(ctx, A, nps.Contact{Email: "spy@a.example", AccountID: b.account.ID})
				return err
			},
			"UpsertContact": func() error {
				_, err := db.UpsertContact(ctx, A, nps.Contact{Email: "spy@a.example", AccountID: b.account.ID})
				return err
			},
			"Contact":        func() error { _, err := db.Contact(ctx, A, b.contact.ID); return err },
			"ContactByEmail": func() error { _, err := db.ContactByEmail(ctx, A, "bob@tenant-b.example"); return err },
			"ExportContact":  func() error { _, err := db.ExportContact(ctx, A, b.contact.ID); return err },
			"EraseContact":   func() error { _, err := db.EraseContact(ctx, A, b.contact.ID); return err },
			"OptOutContact":  func() error { _, err := db.OptOutContact(ctx, A, b.contact.ID); return err },
			"Survey":         func() error { _, err := db.Survey(ctx, A, b.survey.ID); return err },
			"CreateWave": func() error {
				_, err := db.CreateWave(ctx, A, nps.Wave{SurveyID: b.survey.ID, Name: "x", OpensAt: t0})
				return err
			},
			"Wave":                       func() error { _, err := db.Wave(ctx, A, b.wave.ID); return err },
			"CreateInvitation":           func() error { _, err := db.CreateInvitation(ctx, A, b.wave.ID, a.contact.ID); return err },
			"CreateInvitation (contact)": func() error { _, err := db.CreateInvitation(ctx, A, a.wave.ID, b.contact.ID); return err },
			"Invitation":                 func() error { _, err := db.Invitation(ctx, A, bInv.ID); return err },
			"UpdateInvitationStatus":     func() error { _, err := db.UpdateInvitationStatus(ctx, A, bInv.ID, nps.InvitationOpened); return err },
			"RecordReminder":             func() error { _, err := db.RecordReminder(ctx, A, bInv.ID); return err },
			"CreateSend": func() error {
				_, err := db.CreateSend(ctx, A, nps.Send{WaveID: b.wave.ID, Audience: nps.Audience{Kind: nps.AudienceAll}, ScheduledAt: t0, PerMinute: 1})
				return err
			},
			"Send":         func() error { _, err := db.Send(ctx, A, bSend.ID); return err },
			"SendProgress": func() error { _, err := db.SendProgress(ctx, A, bSend.ID); return err },
			"Deliveries":   func() error { _, err := db.Deliveries(ctx, A, bSend.ID, store.DeliveryFilter{}); return err },
			"CancelSend":   func() error { _, err := db.CancelSend(ctx, A, bSend.ID); return err },
			"RecordBounce": func() error { _, err := db.RecordBounce(ctx, A, bInv.Token); return err },
			"RecordResponse": func() error {
				_, err := db.RecordResponse(ctx, A, nps.Response{WaveID: b.wave.ID, Score: 10, Channel: nps.ChannelLink})
				return err
			},
			"RecordResponse (invitation)": func() error {
				_, err := db.RecordResponse(ctx, A, nps.Response{WaveID: a.wave.ID, InvitationID: bInv.ID, Score: 10, Channel: nps.ChannelLink})
				return err
			},
			"RecordResponse (contact)": func() error {
				_, err := db.RecordResponse(ctx, A, nps.Response{WaveID: a.wave.ID, ContactID: b.contact.ID, Score: 10, Channel: nps.ChannelLink})
				return err
			},
			"SurveyLink":           func() error { _, err := db.SurveyLink(ctx, A, b.survey.ID); return err },
			"OpenWaveOf":           func() error { _, err := db.OpenWaveOf(ctx, A, b.survey.ID, t0); return err },
			"ResponseOfInvitation": func() error { _, err := db.ResponseOfInvitation(ctx, A, bInv.ID); return err },
			"RecordOneClick":       func() error { _, _, err := db.RecordOneClick(ctx, A, bInv.ID, 9, "nl"); return err },
			"RecordAnonymousAnswer": func() error {
				_, err := db.RecordAnonymousAnswer(ctx, A, bInv.ID, nps.Response{Score: 9, Channel: nps.ChannelEmail})
				return err
			},
			"RecordResponses": func() error {
				_, err := db.RecordResponses(ctx, A, []nps.Response{
					{WaveID: a.wave.ID, Score: 10, Channel: nps.ChannelAPI},
					{WaveID: a.wave.ID, ContactID: b.contact.ID, Score: 10, Channel: nps.ChannelAPI},
				})
				return err
			},
			"RecordResponse (account)": func() error {
				_, err := db.RecordResponse(ctx, A, nps.Response{WaveID: a.wave.ID, AccountID: b.account.ID, Score: 10, Channel: nps.ChannelLink})
				return err
			},
			"Response":          func() error { _, err := db.Response(ctx, A, bResp.ID); return err },
			"ResponseRevisions": func() error { _, err := db.ResponseRevisions(ctx, A, bResp.ID); return err },
			"RecordResponsesOnce": func() error {
				_, _, err := db.RecordResponsesOnce(ctx, A, bKey, bHash, bBatch, func([]nps.Response) (store.StoredAnswer, error) {
					return store.StoredAnswer{Status: 201, Body: []byte(`{"workspace":"A"}`)}, nil
				})
				return err
			},
			"UpdateSurvey": func() error { _, err := db.UpdateSurvey(ctx, A, b.survey.ID, sampleSurvey()); return err },
			"UpdateWave": func() error {
				_, err := db.UpdateWave(ctx, A, b.wave.ID, nps.Wave{SurveyID: b.survey.ID, Name: "Renamed", OpensAt: t0})
				return err
			},
			"OpenWave":       func() error { _, err := db.OpenWave(ctx, A, b.wave.ID); return err },
			"CloseWave":      func() error { _, err := db.CloseWave(ctx, A, b.wave.ID); return err },
			"RevokeAPIToken": func() error { _, err := db.RevokeAPIToken(ctx, A, bTok.ID); return err },
			"AlertRule":      func() error { _, err := db.AlertRule(ctx, A, bAlerts.rule); return err },
			"UpdateAlertRule": func() error {
				_, err := db.UpdateAlertRule(ctx, A, bAlerts.rule, nps.AlertRule{Name: "Stolen", Kind: nps.RuleScore, MaxScore: 9})
				return err
			},
			"DeleteAlertRule": func() error { _, err := db.DeleteAlertRule(ctx, A, bAlerts.rule); return err },
			"Alert":           func() error { _, err := db.Alert(ctx, A, bAlerts.alert); return err },
			"RecordContact": func() error {
				_, err := db.RecordContact(ctx, A, bAlerts.alert, a.owner.ID, time.Time{}, "")
				return err
			},
			"CloseAlert":            func() error { _, err := db.CloseAlert(ctx, A, bAlerts.alert, a.owner.ID, "stolen"); return err },
			"ReopenAlert":           func() error { _, err := db.ReopenAlert(ctx, A, bAlerts.closed, a.owner.ID); return err },
			"WebhookEndpoint":       func() error { _, err := db.WebhookEndpoint(ctx, A, bAlerts.endpoint); return err },
			"RotateWebhookSecret":   func() error { _, err := db.RotateWebhookSecret(ctx, A, bAlerts.endpoint); return err },
			"DeleteWebhookEndpoint": func() error { _, err := db.DeleteWebhookEndpoint(ctx, A, bAlerts.endpoint); return err },
			"UpdateWebhookEndpoint": func() error {
				_, err := db.UpdateWebhookEndpoint(ctx, A, bAlerts.endpoint, nps.WebhookEndpoint{URL: "https://steal.example", Events: []nps.EventKind{nps.EventAlertCreated}})
				return err
			},
			"WebhookDelivery":       func() error { _, err := db.WebhookDelivery(ctx, A, bAlerts.delivery); return err },
			"ReplayWebhookDelivery": func() error { _, err := db.ReplayWebhookDelivery(ctx, A, bAlerts.delivery); return err },
			// B's owner is no member of A (yet: AddMember below).
			"CreateAPIToken": func() error { _, _, err := db.CreateAPIToken(ctx, A, "Steal", b.owner.ID); return err },
			"SetDigest":      func() error { _, err := db.SetDigest(ctx, A, b.owner.ID, nps.DigestMonthly); return err },
			// B's owner has a digest of B, none of A.
			"DigestSubscription": func() error { _, err := db.DigestSubscription(ctx, A, b.owner.ID); return err },
			// B's account, whose years of revenue A neither reads nor writes.
			"AccountRevenue": func() error { _, err := db.AccountRevenue(ctx, A, b.account.ID); return err },
			"UpsertAccountRevenue": func() error {
				return db.UpsertAccountRevenue(ctx, A, []nps.AccountRevenue{{AccountID: b.account.ID, Year: 2025, RevenueCents: 1}})
			},
		}
		empty := map[string]func() (int, error){
			"FindContacts": func() (int, error) {
				list, err := db.FindContacts(ctx, A, "tenant-b", 10)
				return len(list), err
			},
			// B's entries and those about B's owner, who is no member of
			// A yet; A's own log has entries of its own.
			"AuditLog": func() (int, error) {
				p, err := db.AuditLog(ctx, A, store.AuditFilter{Limit: 1000})
				n := 0
				for _, e := range p.Entries {
					if e.WorkspaceID == b.ws.ID || e.UserID == b.owner.ID {
						n++
					}
				}
				return n, err
			},
			"Insight":      func() (int, error) { l, err := db.Insight(ctx, A, b.survey.ID, 0); return len(l), err },
			"AccountYears": func() (int, error) { l, err := db.AccountYears(ctx, A, b.wave.ID, 2025, 0); return len(l), err },
			"InsightOf":    func() (int, error) { m, err := db.InsightOf(ctx, A, []int64{bResp.ID}); return len(m), err },
			"Unmatched":    func() (int, error) { l, err := db.Unmatched(ctx, A, b.wave.ID, 10); return len(l), err },
			"PendingInsight": func() (int, error) {
				batch, err := db.PendingInsight(ctx, store.TaxonomyState{WorkspaceID: A, Sweeping: true}, 1000)
				n := 0
				for _, r := range batch.Responses {
					if r.WaveID == b.wave.ID {
						n++
					}
				}
				return n, err
			},
			"SaveInsight": func() (int, error) {
				return db.SaveInsight(ctx, A, store.InsightBatch{Responses: []nps.ResponseInsight{{ResponseID: bResp.ID, SurveyID: b.survey.ID,
					WaveID: b.wave.ID, AccountID: b.account.ID, Revision: 2, Score: 10, Comment: "x", Sentiment: nps.Positive}}})
			},
			"AlertRules": func() (int, error) { l, err := db.AlertRules(ctx, A); return len(l), err },
			"Alerts": func() (int, error) {
				l, err := db.Alerts(ctx, A, store.AlertFilter{AccountID: b.account.ID, OwnerID: b.owner.ID})
				n := len(l)
				l, err2 := db.Alerts(ctx, A, store.AlertFilter{})
				return n + len(l), errors.Join(err, err2)
			},
			"NewDetractors": func() (int, error) {
				l, total, err := db.NewDetractors(ctx, A, store.DetractorFilter{After: t0.AddDate(-1, 0, 0), Until: t0.AddDate(1, 0, 0),
					OwnerID: b.owner.ID, Limit: 10})
				return len(l) + int(total), err
			},
			"Notifications": func() (int, error) {
				l, err := db.Notifications(ctx, A, nps.NotifyAlert, bAlerts.alert)
				return len(l), err
			},
			"NotificationsOf": func() (int, error) {
				by, err := db.NotificationsOf(ctx, A, nps.NotifyAlert, []int64{bAlerts.alert})
				return len(by), err
			},
			"WebhookEndpoints": func() (int, error) { l, err := db.WebhookEndpoints(ctx, A); return len(l), err },
			"WebhookDeliveries": func() (int, error) {
				l, err := db.WebhookDeliveries(ctx, A, bAlerts.endpoint, 0, 0)
				return len(l), err
			},
			"WebhookAttempts": func() (int, error) { l, err := db.WebhookAttempts(ctx, A, bAlerts.delivery); return len(l), err },
			"AccountContactAnswers": func() (int, error) {
				l, err := db.AccountContactAnswers(ctx, A, b.account.ID, b.survey.ID, 10)
				return len(l), err
			},
			"AccountFigures": func() (int, error) {
				l, err := db.AccountFigures(ctx, A, store.AccountFigureFilter{SurveyID: b.survey.ID, WaveID: b.wave.ID})
				return len(l), err
			},
			// A's own account has a custom attribute; B's name must not show.
			"AttributeNames": func() (int, error) {
				l, err := db.AttributeNames(ctx, A, "accounts")
				return count(l, "only-b"), err
			},
			"SegmentValues": func() (int, error) {
				l, err := db.SegmentValues(ctx, A, "industry")
				return count(l, "Only-B industry"), err
			},
			"Members": func() (int, error) {
				l, err := db.Members(ctx, A)
				n := 0
				for _, m := range l {
					if m.User.ID == b.owner.ID {
						n++
					}
				}
				return n, err
			},
			"Benchmarks": func() (int, error) { l, err := db.Benchmarks(ctx, A); return len(l), err },
			"ContactHistograms": func() (int, error) {
				l, err := db.ContactHistograms(ctx, A, store.HistogramFilter{WaveID: b.wave.ID}, "language")
				return len(l), err
			},
			"LastAnswers": func() (int, error) {
				l, err := db.LastAnswers(ctx, A, []int64{b.account.ID, bAccount.ID})
				return len(l), err
			},
			"RemoveTag": func() (int, error) { return 0, db.RemoveTag(ctx, A, bResp.ID, "b-tag") },
			"TagNames":  func() (int, error) { l, err := db.TagNames(ctx, A); return len(l), err },
			"TagsOf":    func() (int, error) { l, err := db.TagsOf(ctx, A, []int64{bResp.ID}); return len(l), err },
			// A's base holds A's accounts only; nothing of B's wave counts.
			"WaveCoverage": func() (int, error) {
				c, err := db.WaveCoverage(ctx, A, b.wave.ID, 0, 10)
				n := int(c.Invited + c.Answered + c.AnsweredAccounts)
				for _, acc := range c.Silent {
					if acc.WorkspaceID != A {
						n++
					}
				}
				return n, err
			},
			// An import into A finds none of B's contacts and accounts by
			// their keys, and A's mapping is A's own.
			"Import": func() (int, error) {
				n := 0
				for _, f := range []struct {
					kind importer.Kind
					file string
				}{{importer.Contacts, "email\n" + bContact.Email + "\n"}, {importer.Accounts, "id,name\nCRM-B,X\n"}} {
					tab, err := importer.Read(strings.NewReader(f.file), importer.Limits{})
					if err != nil {
						return 0, err
					}
					rs, _ := importer.Parse(f.kind, tab, importer.Suggest(f.kind, tab.Header))
					r, err := db.Import(ctx, A, rs, nil, store.ImportOptions{DryRun: true})
					if err != nil {
						return 0, err
					}
					n += r.Contacts.Update + r.Contacts.Unchanged + r.Accounts.Update + r.Accounts.Unchanged
				}
				return n, nil
			},
			"SaveImportMapping": func() (int, error) {
				if err := db.SaveImportMapping(ctx, A, importer.Contacts, importer.Mapping{"email": "A's column"}); err != nil {
					return 0, err
				}
				m, err := db.ImportMapping(ctx, b.ws.ID, importer.Contacts)
				if reflect.DeepEqual(m, bMapping) {
					return 0, err
				}
				return 1, err
			},
			"Accounts": func() (int, error) {
				v, err := db.Accounts(ctx, A, store.AccountFilter{OwnerID: b.owner.ID})
				return len(v), err
			},
			"Surveys": func() (int, error) {
				v, err := db.Surveys(ctx, A)
				return len(v) - 1, err // A's own survey
			},
			"Waves": func() (int, error) { v, err := db.Waves(ctx, A, b.survey.ID); return len(v), err },
			"Sends": func() (int, error) { v, err := db.Sends(ctx, A, b.wave.ID); return len(v), err },
			"Histogram": func() (int, error) {
				h, err := db.Histogram(ctx, A, store.HistogramFilter{WaveID: b.wave.ID})
				return int(h.N()), err
			},
			"Histograms": func() (int, error) {
				g, err := db.Histograms(ctx, A, store.HistogramFilter{SurveyID: b.survey.ID}, store.GroupBy{Dimension: store.GroupAccount})
				return len(g), err
			},
			"APITokens": func() (int, error) {
				v, err := db.APITokens(ctx, A)
				n := 0
				for _, tok := range v {
					if tok.WorkspaceID != A || tok.ID == bTok.ID {
						n++
					}
				}
				return n, err
			},
			"FindRefs": func() (int, error) {
				f, err := db.FindRefs(ctx, A, store.Refs{
					WaveIDs: []int64{b.wave.ID}, ContactIDs: []int64{b.contact.ID, bContact.ID}, AccountIDs: []int64{b.account.ID, bAccount.ID},
					ContactEmails: []string{bContact.Email}, AccountExternalIDs: []string{bAccount.ExternalID},
				})
				return len(f.Waves) + len(f.Contacts) + len(f.Accounts) + len(f.ContactByEmail) + len(f.AccountByExternalID), err
			},
			// The exports: B's wave, survey and owner select nothing in A,
			// and nothing of B's is among A's own rows.
			"ExportResponses": func() (int, error) {
				n := 0
				err := db.ExportResponses(ctx, A, store.ResponseFilter{WaveID: b.wave.ID}, func(store.ExportedResponse) error { n++; return nil })
				err2 := db.ExportResponses(ctx, A, store.ResponseFilter{OwnerID: b.owner.ID}, func(store.ExportedResponse) error { n++; return nil })
				err3 := db.ExportResponses(ctx, A, store.ResponseFilter{}, func(r store.ExportedResponse) error {
					if r.WaveID == b.wave.ID || r.SurveyID == b.survey.ID {
						n++
					}
					return nil
				})
				return n, errors.Join(err, err2, err3)
			},
			"ExportAccounts": func() (int, error) {
				n := 0
				err := db.ExportAccounts(ctx, A, store.AccountExportFilter{OwnerID: b.owner.ID}, func(store.ExportedAccount) error { n++; return nil })
				err2 := db.ExportAccounts(ctx, A, store.AccountExportFilter{}, func(acc store.ExportedAccount) error {
					if acc.WorkspaceID != A || acc.OwnerID == b.owner.ID || acc.Answered() {
						n++
					}
					return nil
				})
				return n, errors.Join(err, err2)
			},
			"AccountExportColumns": func() (int, error) {
				c, err := db.AccountExportColumns(ctx, A, store.AccountExportFilter{})
				return count(c.Attributes, "only-b") + len(c.Years), err
			},
			"ExportAggregates": func() (int, error) {
				n := 0
				for _, fl := range []store.AggregateFilter{{WaveID: b.wave.ID}, {SurveyID: b.survey.ID},
					{WaveID: b.wave.ID, By: store.GroupBy{Dimension: store.GroupOwner}}} {
					if err := db.ExportAggregates(ctx, A, fl, func(store.ExportedAggregate) error { n++; return nil }); err != nil {
						return n, err
					}
				}
				err := db.ExportAggregates(ctx, A, store.AggregateFilter{}, func(r store.ExportedAggregate) error {
					if r.WaveID == b.wave.ID || r.Result.N > 0 {
						n++
					}
					return nil
				})
				return n, err
			},
			// A wave of another workspace has no responses here, as
			// documented, rather than being not found.
			"LatestResponses": func() (int, error) {
				p, err := db.LatestResponses(ctx, A, store.ResponseFilter{WaveID: b.wave.ID})
				return len(p.Responses), err
			},
		}

		planNotFound, planEmpty, planUnchanged := planIsolation(t, db, a, b, bResp)
		maps.Copy(notFound, planNotFound)
		maps.Copy(empty, planEmpty)
		pNotFound, pEmpty := promoterCalls(a)
		maps.Copy(notFound, pNotFound)
		maps.Copy(empty, pEmpty)
		rNotFound, rEmpty, reportUnchanged := reportIsolation(t, db, a, b, bComment)
		maps.Copy(notFound, rNotFound)
		maps.Copy(empty, rEmpty)
		for name, call := range notFound {
			if err := call(); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("%s with workspace B's rows from A: got %v, want ErrNotFound", name, err)
			}
		}
		for name, call := range empty {
			if n, err := call(); err != nil || n != 0 {
				t.Errorf("%s with workspace B's rows from A: got %d rows, %v, want none", name, n, err)
			}
		}
		if tags := must(db.TagsOf(ctx, b.ws.ID, []int64{bResp.ID}))(t); len(tags[bResp.ID]) != 1 {
			t.Errorf("B's tags after A's calls: %v, want b-tag", tags)
		}
		planUnchanged(t)
		reportUnchanged(t)
		// Users span workspaces: B's user may join A, which gives them
		// nothing in B.
		must(db.AddMember(ctx, A, b.owner.ID, nps.RoleViewer))(t)
		if after := dumpWorkspace(t, db, b); !reflect.DeepEqual(after, before) {
			t.Errorf("workspace B after A's calls: got %+v, want %+v", after, before)
		}
		// Last, as it ends A: deleting A, which B's owner is now a member
		// of, leaves B as it was.
		if err := db.DeleteWorkspace(ctx, A); err != nil {
			t.Fatalf("DeleteWorkspace(A): %v", err)
		}
		if after := dumpWorkspace(t, db, b); !reflect.DeepEqual(after, before) {
			t.Errorf("workspace B after A was deleted: got %+v, want %+v", after, before)
		}

		// Every workspace-scoped method is in one of the tables above.
		typ := reflect.TypeOf(db)
		for i := range typ.NumMethod() {
			name := typ.Method(i).Name
			if _, ok := notFound[name]; !ok && empty[name] == nil && !unscoped[name] && !refersToNothing[name] {
				t.Errorf("method %s is not checked for workspace isolation", name)
			}
		}
	})
}

// workspaceDump is what a workspace holds, as its owner sees it.
type workspaceDump struct {
	Account    nps.Account
	Contact    nps.Contact
	Survey     nps.Survey
	Wave       nps.Wave
	Accounts   []nps.Account
	Histogram  nps.Histogram
	Responses  map[cell]nps.Histogram
	Membership nps.Membership
	APITokens  []nps.APIToken
	Sends      []nps.Send
	Alerts     alertDump
}

func dumpWorkspace(t *testing.T, db *store.DB, f *fixture) workspaceDump {
	t.Helper()
	ctx := context.Background()
	return workspaceDump{
		Account:    must(db.Account(ctx, f.ws.ID, f.account.ID))(t),
		Contact:    must(db.Contact(ctx, f.ws.ID, f.contact.ID))(t),
		Survey:     must(db.Survey(ctx, f.ws.ID, f.survey.ID))(t),
		Wave:       must(db.Wave(ctx, f.ws.ID, f.wave.ID))(t),
		Accounts:   must(db.Accounts(ctx, f.ws.ID, store.AccountFilter{}))(t),
		Histogram:  must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t),
		Responses:  rollupFromResponses(t, db, f.ws.ID),
		Membership: must(db.Membership(ctx, f.ws.ID, f.owner.ID))(t),
		APITokens:  must(db.APITokens(ctx, f.ws.ID))(t),
		Sends:      must(db.Sends(ctx, f.ws.ID, f.wave.ID))(t),
		Alerts:     dumpAlerts(t, db, f.ws.ID),
	}
}

// count counts the elements of list equal to v.
func count(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}
