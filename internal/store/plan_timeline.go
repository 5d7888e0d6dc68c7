package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// TimelineKind is what a timeline entry records.
type TimelineKind string

// The kinds of timeline entry.
const (
	TimelineResponse         TimelineKind = "response"
	TimelineAlert            TimelineKind = "alert"
	TimelineAlertContacted   TimelineKind = "alert_contacted"
	TimelineAlertEscalated   TimelineKind = "alert_escalated"
	TimelinePlanCreated      TimelineKind = "plan_created"
	TimelinePlanDone         TimelineKind = "plan_done"
	TimelineActionAdded      TimelineKind = "action_added"
	TimelineActionDone       TimelineKind = "action_done"
	TimelineNote             TimelineKind = "note"
	TimelineLink             TimelineKind = "link"
	TimelineUpdate           TimelineKind = "update"
	TimelineEmail            TimelineKind = "email"
	TimelinePromoterAction   TimelineKind = "promoter_action"
	TimelineReferralMade     TimelineKind = "referral_made"
	TimelineReferralReceived TimelineKind = "referral_received"
	TimelineReferralThanked  TimelineKind = "referral_thanked"
)

// TimelineEntry is one thing that happened with an account. Text is the
// entry's own words (a comment, a reason, an action, a subject); Detail a
// kind within the kind (a notification's or promoter action's kind);
// Who is the person: the contact who answered, the user who acted, the
// recipient of an email. The IDs lead to what the entry is about.
type TimelineEntry struct {
	At     time.Time
	Kind   TimelineKind
	Text   string
	Detail string
	Who    string
	// Score is a response's score.
	Score int
	// Shared says that an item is shown on the customer page.
	Shared bool
	// Count and Sent count the emails of one notification subject.
	Count, Sent                                         int
	ResponseID, AlertID, PlanID, ItemID, OtherAccountID int64
}

// maxTimeline bounds the entries Timeline returns.
const maxTimeline = 500

// Timeline returns what happened with an account, the newest first, at
// most limit entries: its responses, alerts and their follow-up, its
// plans and their items, the emails about it, promoter actions and
// referrals. It is built when asked from each source table, each read by
// its index on (workspace, account, time) and cut at limit, then merged.
func (db *DB) Timeline(ctx context.Context, workspaceID, accountID int64, limit int) ([]TimelineEntry, error) {
	if limit <= 0 || limit > maxTimeline {
		limit = maxTimeline
	}
	if _, err := account(ctx, db.read, workspaceID, accountID); err != nil {
		return nil, fmt.Errorf("store: timeline: %w", err)
	}
	var all []TimelineEntry
	add := func(e TimelineEntry) {
		if !e.At.IsZero() {
			all = append(all, e)
		}
	}
	sources := []struct {
		query string
		scan  func(rowScanner) error
	}{
		{`SELECT r.id, r.score, r.comment, r.created_at, COALESCE(NULLIF(c.name, ''), c.email, '')
			FROM responses r LEFT JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id
			WHERE r.workspace_id = $1 AND r.account_id = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
			func(row rowScanner) error {
				e := TimelineEntry{Kind: TimelineResponse}
				err := row.Scan(&e.ResponseID, &e.Score, &e.Text, timeCol{&e.At}, &e.Who)
				add(e)
				return err
			}},
		{`SELECT a.id, a.kind, a.reason, a.note, a.created_at, a.contacted_at, a.escalated_at, COALESCE(a.response_id, 0),
				COALESCE(NULLIF(u.name, ''), u.email, '')
			FROM alerts a LEFT JOIN users u ON u.id = a.contacted_by
			WHERE a.workspace_id = $1 AND a.account_id = $2 ORDER BY a.created_at DESC, a.id DESC LIMIT $3`,
			func(row rowScanner) error {
				var id, responseID int64
				var kind, reason, note, who string
				var created, contacted, escalated time.Time
				if err := row.Scan(&id, &kind, &reason, &note, timeCol{&created}, timeCol{&contacted}, timeCol{&escalated}, &responseID, &who); err != nil {
					return err
				}
				add(TimelineEntry{At: created, Kind: TimelineAlert, Text: reason, Detail: kind, AlertID: id, ResponseID: responseID})
				add(TimelineEntry{At: contacted, Kind: TimelineAlertContacted, Text: note, Who: who, AlertID: id})
				add(TimelineEntry{At: escalated, Kind: TimelineAlertEscalated, AlertID: id})
				return nil
			}},
		{`SELECT p.id, p.title, p.created_at, p.done_at, COALESCE(NULLIF(u.name, ''), u.email, '')
			FROM plans p LEFT JOIN users u ON u.id = p.created_by
			WHERE p.workspace_id = $1 AND p.account_id = $2 ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
			func(row rowScanner) error {
				var id int64
				var title, who string
				var created, done time.Time
				if err := row.Scan(&id, &title, timeCol{&created}, timeCol{&done}, &who); err != nil {
					return err
				}
				add(TimelineEntry{At: created, Kind: TimelinePlanCreated, Text: title, Who: who, PlanID: id})
				add(TimelineEntry{At: done, Kind: TimelinePlanDone, Text: title, PlanID: id})
				return nil
			}},
		{`SELECT i.id, i.plan_id, i.kind, i.body, i.shareable, i.created_at, i.done_at, COALESCE(NULLIF(u.name, ''), u.email, '')
			FROM plans p JOIN plan_items i ON i.workspace_id = p.workspace_id AND i.plan_id = p.id
			LEFT JOIN users u ON u.id = i.created_by
			WHERE p.workspace_id = $1 AND p.account_id = $2 ORDER BY i.created_at DESC, i.id DESC LIMIT $3`,
			func(row rowScanner) error {
				e := TimelineEntry{}
				var kind string
				var done time.Time
				if err := row.Scan(&e.ItemID, &e.PlanID, &kind, &e.Text, &e.Shared, timeCol{&e.At}, timeCol{&done}, &e.Who); err != nil {
					return err
				}
				switch kind {
				case "action":
					e.Kind = TimelineActionAdded
					d := e
					d.At, d.Kind, d.Who = done, TimelineActionDone, ""
					add(d)
				case "note":
					e.Kind = TimelineNote
				case "link":
					e.Kind = TimelineLink
				default:
					e.Kind = TimelineUpdate
				}
				add(e)
				return nil
			}},
		// The emails of one subject (an update to every contact, say) are
		// one entry.
		{`SELECT kind, subject_id, MIN(subject), COUNT(*), SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END),
				MAX(COALESCE(sent_at, created_at)), MIN(COALESCE(NULLIF(to_name, ''), to_email))
			FROM notifications WHERE workspace_id = $1 AND account_id = $2
			GROUP BY kind, subject_id ORDER BY MAX(created_at) DESC LIMIT $3`,
			func(row rowScanner) error {
				e := TimelineEntry{Kind: TimelineEmail}
				var subjectID int64
				if err := row.Scan(&e.Detail, &subjectID, &e.Text, &e.Count, &e.Sent, timeCol{&e.At}, &e.Who); err != nil {
					return err
				}
				switch e.Detail {
				case "update":
					e.ItemID = subjectID
				case "alert", "escalation":
					e.AlertID = subjectID
				}
				add(e)
				return nil
			}},
		{`SELECT pa.kind, pa.note, pa.created_at, COALESCE(pa.response_id, 0), COALESCE(NULLIF(c.name, ''), c.email, '')
			FROM promoter_actions pa LEFT JOIN contacts c ON c.workspace_id = pa.workspace_id AND c.id = pa.contact_id
			WHERE pa.workspace_id = $1 AND pa.account_id = $2 ORDER BY pa.created_at DESC, pa.id DESC LIMIT $3`,
			func(row rowScanner) error {
				e := TimelineEntry{Kind: TimelinePromoterAction}
				err := row.Scan(&e.Detail, &e.Text, timeCol{&e.At}, &e.ResponseID, &e.Who)
				add(e)
				return err
			}},
		{`SELECT rf.referrer_account_id, rf.referred_account_id, a.name, rf.note, rf.created_at, rf.thanked_at
			FROM referrals rf JOIN accounts a ON a.workspace_id = rf.workspace_id
				AND a.id = CASE WHEN rf.referrer_account_id = $2 THEN rf.referred_account_id ELSE rf.referrer_account_id END
			WHERE rf.workspace_id = $1 AND (rf.referrer_account_id = $2 OR rf.referred_account_id = $2)
			ORDER BY rf.created_at DESC, rf.id DESC LIMIT $3`,
			func(row rowScanner) error {
				var referrer, referred int64
				var name, note string
				var created, thanked time.Time
				if err := row.Scan(&referrer, &referred, &name, &note, timeCol{&created}, timeCol{&thanked}); err != nil {
					return err
				}
				if referrer == accountID {
					add(TimelineEntry{At: created, Kind: TimelineReferralMade, Text: note, Who: name, OtherAccountID: referred})
					add(TimelineEntry{At: thanked, Kind: TimelineReferralThanked, Who: name, OtherAccountID: referred})
				} else {
					add(TimelineEntry{At: created, Kind: TimelineReferralReceived, Text: note, Who: name, OtherAccountID: referrer})
				}
				return nil
			}},
	}
	for _, src := range sources {
		rows, err := db.read.QueryContext(ctx, src.query, workspaceID, accountID, limit)
		if err := eachRow(rows, err, src.scan); err != nil {
			return nil, fmt.Errorf("store: timeline: %w", err)
		}
	}
	slices.SortStableFunc(all, func(a, b TimelineEntry) int { return b.At.Compare(a.At) })
	return all[:min(len(all), limit)], nil
}
