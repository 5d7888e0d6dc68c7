package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Referrals: which account (and contact) brought in which new account,
// and whether the referrer was thanked. An account is referred once; a
// member records, sees and changes the referrals of the accounts they
// own (as referrer) only.

// ReferralFilter chooses the referrals Referrals lists.
type ReferralFilter struct {
	// OwnerID keeps the referrals whose referrer account this user owns.
	OwnerID int64
	// Limit bounds the rows listed, DefaultReferralPage when 0; the
	// totals count them all.
	Limit int
}

// DefaultReferralPage is how many referrals Referrals lists at most by
// default.
const DefaultReferralPage = 500

// ListedReferral is a referral with the names of the accounts and
// contact, and the referred account's annual revenue.
type ListedReferral struct {
	nps.Referral
	ReferrerName         string
	ReferrerContactName  string
	ReferrerContactEmail string
	ReferredName         string
	ReferredRevenueCents int64
}

// ReferralList is the referrals, newest first, with totals over all of
// them: how many, how many thanked, and the referred accounts' annual
// revenue in cents (exact).
type ReferralList struct {
	Referrals    []ListedReferral
	Total        int64
	Thanked      int64
	RevenueCents int64
}

const referralSelect = `SELECT f.id, f.workspace_id, f.referrer_account_id, f.referrer_contact_id, f.referred_account_id,
		f.note, f.thanked_at, f.created_by, f.created_at, ra.name, COALESCE(c.name, ''), COALESCE(c.email, ''),
		na.name, na.annual_revenue_cents
	FROM referrals f
	JOIN accounts ra ON ra.workspace_id = f.workspace_id AND ra.id = f.referrer_account_id
	JOIN accounts na ON na.workspace_id = f.workspace_id AND na.id = f.referred_account_id
	LEFT JOIN contacts c ON c.workspace_id = f.workspace_id AND c.id = f.referrer_contact_id`

func scanReferral(row rowScanner) (ListedReferral, error) {
	var l ListedReferral
	r := &l.Referral
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.ReferrerAccountID, idCol{&r.ReferrerContactID}, &r.ReferredAccountID,
		&r.Note, timeCol{&r.ThankedAt}, idCol{&r.CreatedBy}, timeCol{&r.CreatedAt}, &l.ReferrerName, &l.ReferrerContactName,
		&l.ReferrerContactEmail, &l.ReferredName, &l.ReferredRevenueCents)
	return l, err
}

// Referrals returns the workspace's referrals that f selects, newest
// first, with their totals.
func (db *DB) Referrals(ctx context.Context, workspaceID int64, f ReferralFilter) (ReferralList, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultReferralPage
	}
	w := &where{}
	w.and("f.workspace_id = " + w.arg(workspaceID))
	if f.OwnerID != 0 {
		w.and("ra.owner_id = " + w.arg(f.OwnerID))
	}
	var l ReferralList
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(f.thanked_at), COALESCE(SUM(na.annual_revenue_cents), 0)
		FROM referrals f
		JOIN accounts ra ON ra.workspace_id = f.workspace_id AND ra.id = f.referrer_account_id
		JOIN accounts na ON na.workspace_id = f.workspace_id AND na.id = f.referred_account_id`+w.String(), w.args...).
		Scan(&l.Total, &l.Thanked, &l.RevenueCents)
	if err != nil {
		return ReferralList{}, fmt.Errorf("store: referrals: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, referralSelect+w.String()+` ORDER BY f.created_at DESC, f.id DESC LIMIT `+w.arg(f.Limit), w.args...)
	if err != nil {
		return ReferralList{}, fmt.Errorf("store: referrals: %w", err)
	}
	if l.Referrals, err = collect(rows, scanReferral); err != nil {
		return ReferralList{}, fmt.Errorf("store: referrals: %w", err)
	}
	return l, nil
}

// Referral returns one of the workspace's referrals; with ownerID set,
// one whose referrer account that user does not own is not found.
func (db *DB) Referral(ctx context.Context, workspaceID, id, ownerID int64) (ListedReferral, error) {
	l, err := referral(ctx, db.read, workspaceID, id, ownerID)
	if err != nil {
		return l, fmt.Errorf("store: referral: %w", err)
	}
	return l, nil
}

func referral(ctx context.Context, q querier, workspaceID, id, ownerID int64) (ListedReferral, error) {
	w := &where{}
	w.and("f.workspace_id = " + w.arg(workspaceID))
	w.and("f.id = " + w.arg(id))
	if ownerID != 0 {
		w.and("ra.owner_id = " + w.arg(ownerID))
	}
	l, err := scanReferral(q.QueryRowContext(ctx, referralSelect+w.String(), w.args...))
	return l, notFound(err, "referral", id)
}

// CreateReferral records that r's referrer account (and, optionally, one
// of its contacts) brought in r's referred account. Each account is
// referred once (a second referral of it is nps.ErrConflict); an account
// cannot refer itself. With ownerID set, the referrer must be an account
// that user owns.
func (db *DB) CreateReferral(ctx context.Context, workspaceID int64, r nps.Referral, ownerID int64) (nps.Referral, error) {
	r.WorkspaceID, r.CreatedAt, r.ThankedAt = workspaceID, db.now(), normTime(r.ThankedAt)
	if err := r.Validate(); err != nil {
		return nps.Referral{}, fmt.Errorf("store: create referral: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		referrer, err := account(ctx, tx, workspaceID, r.ReferrerAccountID)
		if err != nil {
			return err
		}
		if ownerID != 0 && referrer.OwnerID != ownerID {
			return fmt.Errorf("account %d: %w", r.ReferrerAccountID, nps.ErrNotFound)
		}
		if _, err := account(ctx, tx, workspaceID, r.ReferredAccountID); err != nil {
			return err
		}
		if r.ReferrerContactID != 0 {
			c, err := contact(ctx, tx, workspaceID, r.ReferrerContactID)
			if err != nil {
				return err
			}
			if c.AccountID != r.ReferrerAccountID {
				return &nps.ValidationError{Field: "contact", Message: "the contact is not at the referring account"}
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO referrals (workspace_id, referrer_account_id, referrer_contact_id,
				referred_account_id, note, thanked_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			workspaceID, r.ReferrerAccountID, nullID(r.ReferrerContactID), r.ReferredAccountID, r.Note,
			nullTime(r.ThankedAt), nullID(r.CreatedBy), r.CreatedAt).Scan(&r.ID)
		return conflict(err, "a referral of this account")
	})
	if err != nil {
		return nps.Referral{}, fmt.Errorf("store: create referral: %w", err)
	}
	return r, nil
}

// MarkReferralThanked records that the referrer was thanked; marking it
// again keeps the first time. With ownerID set, only a referral of that
// user's accounts is found.
func (db *DB) MarkReferralThanked(ctx context.Context, workspaceID, id, ownerID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := referral(ctx, tx, workspaceID, id, ownerID); err != nil {
			return err
		}
		return markThanked(ctx, tx, db.now(), workspaceID, id)
	})
	if err != nil {
		return fmt.Errorf("store: mark referral thanked: %w", err)
	}
	return nil
}

func markThanked(ctx context.Context, q querier, now time.Time, workspaceID, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE referrals SET thanked_at = COALESCE(thanked_at, $3) WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id, now)
	return err
}

// ThankReferral thanks the referrer contact of a referral by email: it
// records a thank action for the contact (a gives its note and who
// records it), queues the email n and marks
// the referral thanked, in one transaction. A referral without a
// referrer contact cannot be thanked by email (a validation error); the
// contact's address and opt-out are checked as ThankPromoter does, but a
// referral is thanked by email without asking twice.
func (db *DB) ThankReferral(ctx context.Context, workspaceID, id, ownerID int64, a nps.PromoterAction, n nps.Notification) (Thanks, error) {
	var t Thanks
	err := db.write(ctx, func(tx *sql.Tx) error {
		l, err := referral(ctx, tx, workspaceID, id, ownerID)
		if err != nil {
			return err
		}
		if l.ReferrerContactID == 0 {
			return &nps.ValidationError{Field: "contact", Message: "the referral names no contact to thank"}
		}
		now := db.now()
		a.ContactID, a.ResponseID = l.ReferrerContactID, 0
		// The thank-you is for the referral, not for an answer; the
		// referrer's own account owner may thank even when the contact
		// has moved, so the referral's owner check stands for it.
		if t, err = thank(ctx, tx, now, workspaceID, a, 0, n, true); err != nil {
			return err
		}
		return markThanked(ctx, tx, now, workspaceID, id)
	})
	if err != nil {
		return Thanks{}, fmt.Errorf("store: thank referral: %w", err)
	}
	return t, nil
}

// DeleteReferral removes a referral; with ownerID set, only one of that
// user's accounts is found.
func (db *DB) DeleteReferral(ctx context.Context, workspaceID, id, ownerID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := referral(ctx, tx, workspaceID, id, ownerID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM referrals WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete referral: %w", err)
	}
	return nil
}
