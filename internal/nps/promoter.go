package nps

import "time"

// The conflicts of thanking a promoter by email.
var (
	// ErrNoEmail is the conflict of emailing a contact without an address.
	ErrNoEmail error = &kindError{kind: ErrConflict, msg: "the contact has no email address"}
	// ErrThankedBefore is the conflict of a second thank-you email for the
	// same answer, which the user must confirm.
	ErrThankedBefore error = &kindError{kind: ErrConflict, msg: "this answer was thanked for before"}
)

// PromoterActionKind is something done for a promoter.
type PromoterActionKind string

// The kinds of promoter action: the eight tips that keep promoters
// enthusiastic, then the requests that put their enthusiasm to work.
const (
	PromoterThank        PromoterActionKind = "thank"
	PromoterReward       PromoterActionKind = "reward"
	PromoterExclusive    PromoterActionKind = "exclusive"
	PromoterTransparency PromoterActionKind = "transparency"
	PromoterPersonalise  PromoterActionKind = "personalise"
	PromoterSurprise     PromoterActionKind = "surprise"
	PromoterKnowledge    PromoterActionKind = "knowledge"
	PromoterCommunity    PromoterActionKind = "community"
	PromoterReferralAsk  PromoterActionKind = "referral_request"
	PromoterReviewAsk    PromoterActionKind = "review_request"
)

// PromoterTips are the eight tips, in the order they are suggested.
var PromoterTips = []PromoterActionKind{
	PromoterThank, PromoterReward, PromoterExclusive, PromoterTransparency,
	PromoterPersonalise, PromoterSurprise, PromoterKnowledge, PromoterCommunity,
}

// PromoterActionKinds are all kinds: the tips and the requests.
var PromoterActionKinds = append(append([]PromoterActionKind{}, PromoterTips...), PromoterReferralAsk, PromoterReviewAsk)

// Valid reports whether k is a known kind.
func (k PromoterActionKind) Valid() bool {
	for _, v := range PromoterActionKinds {
		if k == v {
			return true
		}
	}
	return false
}

// IsTip reports whether k is one of the eight tips.
func (k PromoterActionKind) IsTip() bool {
	for _, v := range PromoterTips {
		if k == v {
			return true
		}
	}
	return false
}

// maxPromoterNote bounds the note of an action or referral.
const maxPromoterNote = 2000

// PromoterAction records what was done for a promoter (a contact).
type PromoterAction struct {
	ID          int64
	WorkspaceID int64
	ContactID   int64
	AccountID   int64
	ResponseID  int64
	Kind        PromoterActionKind
	Note        string
	CreatedBy   int64
	CreatedAt   time.Time
}

// Validate reports the first problem with a's fields.
func (a PromoterAction) Validate() error {
	if a.ContactID <= 0 {
		return fieldError("contact", "choose the promoter")
	}
	if !a.Kind.Valid() {
		return fieldError("kind", "is not a promoter action")
	}
	return checkText("note", a.Note, maxPromoterNote, false)
}

// Referral records that an account, through one of its contacts, brought
// in a new account.
type Referral struct {
	ID                int64
	WorkspaceID       int64
	ReferrerAccountID int64
	ReferrerContactID int64
	ReferredAccountID int64
	Note              string
	ThankedAt         time.Time
	CreatedBy         int64
	CreatedAt         time.Time
}

// Validate reports the first problem with r's fields.
func (r Referral) Validate() error {
	if r.ReferrerAccountID <= 0 {
		return fieldError("referrer", "choose the account that referred")
	}
	if r.ReferredAccountID <= 0 {
		return fieldError("referred", "choose the new account")
	}
	if r.ReferrerAccountID == r.ReferredAccountID {
		return fieldError("referred", "an account cannot refer itself")
	}
	return checkText("note", r.Note, maxPromoterNote, false)
}
