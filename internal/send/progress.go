package send

import (
	"context"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/store"
)

// An invitation to a contact whose account has done shareable actions or
// shared updates since the contact's previous answer (or in the last
// twelve months, when the contact never answered; never further back)
// says so in a paragraph, with the link to the account's customer page.
// It is worked out for a claimed batch at once: one query for the
// contacts' last answers per workspace, and one for the progress of the
// accounts not remembered from the last minute: at most two queries per
// claimed batch of 200, not one per message.

// progressWindow is how far back the paragraph looks at most.
const progressWindow = 365 * 24 * time.Hour

// progressTTL is how long an account's progress is remembered.
const progressTTL = time.Minute

type progressEntry struct {
	progress store.RecentProgress
	read     time.Time
}

// progressFor returns the progress paragraph of each message of batch
// that has one, by message ID. A failure to read it is logged and costs
// the paragraph only: the invitations go out without it.
func (s *Sender) progressFor(ctx context.Context, batch []store.Outgoing) map[int64]mail.Progress {
	byWorkspace := map[int64][]store.Outgoing{}
	for _, o := range batch {
		if o.Contact.AccountID != 0 {
			byWorkspace[o.Invitation.WorkspaceID] = append(byWorkspace[o.Invitation.WorkspaceID], o)
		}
	}
	out := map[int64]mail.Progress{}
	now := s.DB.Now()
	floor := now.Add(-progressWindow)
	for ws, list := range byWorkspace {
		accounts := map[int64]bool{}
		contacts := make([]int64, 0, len(list))
		for _, o := range list {
			accounts[o.Contact.AccountID] = true
			contacts = append(contacts, o.Contact.ID)
		}
		progress, err := s.recentProgress(ctx, ws, accounts, floor)
		if err != nil {
			s.Log.Warn("invitations sent without progress", "workspace_id", ws, "err", err)
			continue
		}
		if len(progress) == 0 {
			continue
		}
		last, err := s.DB.ContactsLastAnswered(ctx, ws, contacts, now)
		if err != nil {
			s.Log.Warn("invitations sent without progress", "workspace_id", ws, "err", err)
			continue
		}
		for _, o := range list {
			rp, ok := progress[o.Contact.AccountID]
			if !ok {
				continue
			}
			since := floor
			if t := last[o.Contact.ID]; t.After(since) {
				since = t
			}
			if p := paragraphSince(rp, since, s.BaseURL); !p.Empty() {
				out[o.ID] = p
			}
		}
	}
	return out
}

// paragraphSince is what rp says of the time after since.
func paragraphSince(rp store.RecentProgress, since time.Time, baseURL string) mail.Progress {
	var p mail.Progress
	for _, a := range rp.Done {
		if a.DoneAt.After(since) && len(p.Done) < mail.MaxProgressItems {
			p.Done = append(p.Done, a.Body)
		}
	}
	if len(p.Done) == 0 && len(rp.Updates) > 0 && rp.Updates[0].At.After(since) {
		p.Update = rp.Updates[0].Body
	}
	if !p.Empty() && rp.PageToken != "" {
		p.URL = baseURL + "/y/" + rp.PageToken
	}
	return p
}

// recentProgress returns the progress of the accounts since floor that
// have any, from the memo where it is fresh and in one query for the
// others.
func (s *Sender) recentProgress(ctx context.Context, ws int64, accounts map[int64]bool, floor time.Time) (map[int64]store.RecentProgress, error) {
	out := map[int64]store.RecentProgress{}
	var missing []int64
	s.progressMu.Lock()
	for id := range accounts {
		if e, ok := s.progressMemo[id]; ok && time.Since(e.read) < progressTTL {
			if len(e.progress.Done)+len(e.progress.Updates) > 0 {
				out[id] = e.progress
			}
		} else {
			missing = append(missing, id)
		}
	}
	s.progressMu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := s.DB.RecentProgress(ctx, ws, missing, floor)
	if err != nil {
		return nil, err
	}
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	if s.progressMemo == nil || len(s.progressMemo) > 200_000 {
		s.progressMemo = map[int64]progressEntry{}
	}
	at := time.Now()
	for _, id := range missing {
		rp := read[id]
		s.progressMemo[id] = progressEntry{progress: rp, read: at}
		if len(rp.Done)+len(rp.Updates) > 0 {
			out[id] = rp
		}
	}
	return out, nil
}
