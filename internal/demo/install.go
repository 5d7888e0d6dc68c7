package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Result is what Install wrote.
type Result struct {
	Workspace nps.Workspace
	Survey    nps.Survey
	// Waves are the stored waves, oldest first.
	Waves []nps.Wave
	// Owner signs in with Password; APIToken is the secret of the
	// workspace's API token. Neither secret is stored in plain text, so
	// this is the only time they can be shown.
	Owner    nps.User
	Password string
	APIToken string
	// Invited counts the invitations of each wave, in the order of Waves.
	Invited []int
	// SurveyToken is the token of an unanswered invitation of the open
	// wave: its survey link lets the demo's user answer as a customer.
	SurveyToken string
	// The numbers of rows written.
	Users, Accounts, Contacts, Invitations, Responses, Revisions, Plans, Referrals int
}

// apiTokenName names the demo workspace's API token.
const apiTokenName = "Demo"

// Install writes the plan as the workspace with the plan's slug, replacing
// the workspace of that slug if it exists, and returns what it wrote.
//
// The plan is first moved to the store's clock (see Plan.At). The demo
// users are found by their email and reused, so that a user who is also a
// member elsewhere keeps that; the owner's password is reset to the plan's.
// The answers of past waves are imported with their original times; in
// the open wave the first answers are imported too, since an answer
// through the survey is stamped with the current time, and the changed
// answers go through the survey's path, as a respondent changes them.
//
// When Install fails, it removes the half-written workspace.
func Install(ctx context.Context, db *store.DB, plan Plan) (Result, error) {
	p := plan.At(db.Now())
	old, err := db.WorkspaceBySlug(ctx, p.Workspace.Slug)
	switch {
	case err == nil:
		if err := db.DeleteWorkspace(ctx, old.ID); err != nil {
			return Result{}, fmt.Errorf("demo: replace the workspace: %w", err)
		}
	case !errors.Is(err, nps.ErrNotFound):
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	ws, err := db.CreateWorkspace(ctx, p.Workspace)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	in := &installer{db: db, plan: p, res: Result{Workspace: ws, Password: p.Password}, workers: 1}
	if db.Dialect() == store.Postgres {
		in.workers = postgresWorkers
	}
	if err := in.run(ctx); err != nil {
		if cleanup := db.DeleteWorkspace(context.WithoutCancel(ctx), ws.ID); cleanup != nil {
			err = errors.Join(err, cleanup)
		}
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	return in.res, nil
}

// postgresWorkers is how many rows Install writes at a time on
// PostgreSQL, where each commit waits for a WAL flush that concurrent
// transactions share. SQLite takes one writer at a time, so more would
// only queue.
const postgresWorkers = 8

// installer writes one plan into its freshly created workspace.
type installer struct {
	db      *store.DB
	plan    Plan
	res     Result
	workers int
	// The stored IDs of the plan's users, accounts and contacts, by index.
	users, accounts, contacts []int64
}

func (in *installer) run(ctx context.Context) error {
	steps := []func(context.Context) error{in.people, in.customers, in.money, in.measurements, in.loop, in.quotes, in.token}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// quotesPerCategory is how many comments of each category the demo's
// reports quote per wave.
const quotesPerCategory = 2

// quotes chooses the comments each wave's report quotes, as an analyst
// would: the latest of each category.
func (in *installer) quotes(ctx context.Context) error {
	ws := in.res.Workspace.ID
	surveys, err := in.db.Surveys(ctx, ws)
	if err != nil {
		return err
	}
	for _, sv := range surveys {
		waves, err := in.db.Waves(ctx, ws, sv.ID)
		if err != nil {
			return err
		}
		for _, w := range waves {
			for _, c := range []string{"detractor", "passive", "promoter"} {
				page, err := in.db.LatestResponses(ctx, ws, store.ResponseFilter{WaveID: w.ID, Category: c, HasComment: true, Limit: quotesPerCategory})
				if err != nil {
					return err
				}
				for _, r := range page.Responses {
					if err := in.db.ChooseVerbatim(ctx, ws, r.ID); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// people stores the users and their memberships.
func (in *installer) people(ctx context.Context) error {
	db, ws := in.db, in.res.Workspace.ID
	hash, err := auth.HashPassword(in.plan.Password)
	if err != nil {
		return err
	}
	for i, u := range in.plan.Users {
		owner := i == 0
		stored, err := db.UserByEmail(ctx, u.Email)
		switch {
		case errors.Is(err, nps.ErrNotFound):
			nu := nps.User{Email: u.Email, Name: u.Name}
			if owner {
				nu.PasswordHash = hash
			}
			stored, err = db.CreateUser(ctx, nu)
		case err == nil && owner:
			err = db.ResetPassword(ctx, stored.ID, hash)
			stored.PasswordHash = hash
		}
		if err != nil {
			return fmt.Errorf("user %s: %w", u.Email, err)
		}
		if _, err := db.AddMember(ctx, ws, stored.ID, u.Role); err != nil {
			return err
		}
		if owner {
			in.res.Owner = stored
		}
		in.users = append(in.users, stored.ID)
	}
	in.res.Users = len(in.users)
	return nil
}

// customers stores the accounts and their contacts.
func (in *installer) customers(ctx context.Context) error {
	db, ws := in.db, in.res.Workspace.ID
	in.accounts = make([]int64, len(in.plan.Accounts))
	err := parallel(ctx, len(in.accounts), in.workers, func(ctx context.Context, i int) error {
		a := in.plan.Accounts[i]
		acc := a.Account
		acc.OwnerID = in.users[a.Owner]
		stored, err := db.CreateAccount(ctx, ws, acc)
		if err != nil {
			return fmt.Errorf("account %s: %w", a.Name, err)
		}
		in.accounts[i] = stored.ID
		return nil
	})
	if err != nil {
		return err
	}
	in.contacts = make([]int64, len(in.plan.Contacts))
	err = parallel(ctx, len(in.contacts), in.workers, func(ctx context.Context, i int) error {
		c := in.plan.Contacts[i]
		con := c.Contact
		con.AccountID = in.accounts[c.Account]
		stored, err := db.CreateContact(ctx, ws, con)
		if err != nil {
			return fmt.Errorf("contact %s: %w", c.Email, err)
		}
		in.contacts[i] = stored.ID
		return nil
	})
	in.res.Accounts, in.res.Contacts = len(in.accounts), len(in.contacts)
	return err
}

// money stores the accounts' revenue per year and the referrals.
func (in *installer) money(ctx context.Context) error {
	db, ws := in.db, in.res.Workspace.ID
	var rs []nps.AccountRevenue
	for i, a := range in.plan.Accounts {
		for _, r := range a.Revenue {
			rs = append(rs, nps.AccountRevenue{AccountID: in.accounts[i], Year: r.Year, RevenueCents: r.Cents})
		}
	}
	if err := db.UpsertAccountRevenue(ctx, ws, rs); err != nil {
		return fmt.Errorf("revenue: %w", err)
	}
	for _, r := range in.plan.Referrals {
		_, err := db.CreateReferral(ctx, ws, nps.Referral{ReferrerAccountID: in.accounts[r.Referrer],
			ReferredAccountID: in.accounts[r.Referred], CreatedBy: in.users[0]}, 0)
		if err != nil {
			return fmt.Errorf("referral: %w", err)
		}
	}
	in.res.Referrals = len(in.plan.Referrals)
	return nil
}

// measurements stores the survey and its waves with their invitations and
// responses.
func (in *installer) measurements(ctx context.Context) error {
	s, err := in.db.CreateSurvey(ctx, in.res.Workspace.ID, in.plan.Survey)
	if err != nil {
		return err
	}
	in.res.Survey = s
	for _, w := range in.plan.Waves {
		if err := in.wave(ctx, w); err != nil {
			return fmt.Errorf("wave %s: %w", w.Name, err)
		}
	}
	return nil
}

// wave stores one wave: its invitations; the first version of every
// answer, imported; where the unanswered invitations ended; and the
// changed answers.
func (in *installer) wave(ctx context.Context, w Wave) error {
	nw := w.Wave
	nw.SurveyID = in.res.Survey.ID
	stored, err := in.db.CreateWave(ctx, in.res.Workspace.ID, nw)
	if err != nil {
		return err
	}
	in.res.Waves = append(in.res.Waves, stored)
	in.res.Invited = append(in.res.Invited, len(w.Invitations))
	invitations, err := in.invite(ctx, w, stored.ID)
	if err != nil {
		return err
	}
	if err := in.answers(ctx, w, stored.ID, invitations); err != nil {
		return err
	}
	if err := in.settle(ctx, w, invitations); err != nil {
		return err
	}
	return in.changes(ctx, w, stored.ID, invitations)
}

// invite stores the wave's invitations and returns their IDs, in the
// order of w.Invitations.
//
// Only the open wave's invitations are marked sent, for the reminders
// that count the days since: the store stamps every event with the
// current time, so a sending time of a past wave would be made up, and
// its invitations keep only how they ended, as an import of them would.
func (in *installer) invite(ctx context.Context, w Wave, waveID int64) ([]int64, error) {
	db, ws := in.db, in.res.Workspace.ID
	ids := make([]int64, len(w.Invitations))
	tokens := make([]string, len(w.Invitations))
	err := parallel(ctx, len(ids), in.workers, func(ctx context.Context, i int) error {
		created, err := db.CreateInvitation(ctx, ws, waveID, in.contacts[w.Invitations[i].Contact])
		if err != nil {
			return err
		}
		ids[i], tokens[i] = created.ID, created.Token
		if !w.Open() {
			return nil
		}
		_, err = db.UpdateInvitationStatus(ctx, ws, created.ID, nps.InvitationSent)
		return err
	})
	if err != nil {
		return nil, err
	}
	in.res.Invitations += len(ids)
	if i := slices.IndexFunc(w.Invitations, func(inv Invitation) bool {
		return inv.Status == nps.InvitationOpened || inv.Status == nps.InvitationDelivered
	}); i >= 0 && w.Open() {
		in.res.SurveyToken = tokens[i]
	}
	return ids, nil
}

// answers imports the first version of every answer of the wave, with the
// time it was given, in batches.
func (in *installer) answers(ctx context.Context, w Wave, waveID int64, invitations []int64) error {
	first := make([]nps.Response, len(w.Responses))
	for i, r := range w.Responses {
		a := r.Answer
		if len(r.Earlier) > 0 {
			a = r.Earlier[0]
		}
		first[i] = nps.Response{
			WaveID: waveID, InvitationID: invitations[r.Invitation],
			Score: a.Score, Comment: a.Comment, Answers: a.Answers,
			Language: r.Language, Channel: nps.ChannelImport, CreatedAt: r.At,
		}
	}
	for batch := range slices.Chunk(first, store.MaxBatch) {
		if _, err := in.db.RecordResponses(ctx, in.res.Workspace.ID, batch); err != nil {
			return err
		}
	}
	in.res.Responses += len(w.Responses)
	return nil
}

// settle records where the unanswered invitations ended.
func (in *installer) settle(ctx context.Context, w Wave, invitations []int64) error {
	db, ws := in.db, in.res.Workspace.ID
	return parallel(ctx, len(invitations), in.workers, func(ctx context.Context, i int) error {
		inv := w.Invitations[i]
		var err error
		switch inv.Status {
		case nps.InvitationResponded:
		case nps.InvitationOptedOut:
			// Opting out withdraws the contact's open invitations.
			_, err = db.OptOutContact(ctx, ws, in.contacts[inv.Contact])
		default:
			_, err = db.UpdateInvitationStatus(ctx, ws, invitations[i], inv.Status)
		}
		return err
	})
}

// changes records the later versions of the changed answers as a
// respondent gives them: a score clicked in the email, then the answer
// completed on the survey page.
func (in *installer) changes(ctx context.Context, w Wave, waveID int64, invitations []int64) error {
	for _, r := range w.Responses {
		if len(r.Earlier) == 0 {
			continue
		}
		versions := append(slices.Clone(r.Earlier[1:]), r.Answer)
		for i, a := range versions {
			channel := nps.ChannelEmail
			if i == len(versions)-1 {
				channel = nps.ChannelLink
			}
			_, err := in.db.RecordResponse(ctx, in.res.Workspace.ID, nps.Response{
				WaveID: waveID, InvitationID: invitations[r.Invitation],
				Score: a.Score, Comment: a.Comment, Answers: a.Answers,
				Language: r.Language, Channel: channel,
			})
			if err != nil {
				return err
			}
		}
		in.res.Revisions++
	}
	return nil
}

// token makes the workspace's API token, in the owner's name.
func (in *installer) token(ctx context.Context) error {
	_, secret, err := in.db.CreateAPIToken(ctx, in.res.Workspace.ID, apiTokenName, in.res.Owner.ID)
	if err != nil {
		return err
	}
	in.res.APIToken = secret
	return nil
}

// parallel calls fn with 0 to n−1, on up to workers goroutines, and
// returns the first error; after an error no new call starts.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
