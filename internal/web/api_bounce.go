package web

import (
	"errors"
	"net/http"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
)

// maxBounceBytes bounds a posted bounce: the report and the headers of
// the returned message, with room for a returned body that is cut off.
const maxBounceBytes = 4 << 20

// apiBounce is the answer of the bounce endpoint.
type apiBounce struct {
	// Recorded says whether the bounce changed the invitation: only a
	// permanent failure does; a delay or a temporary failure is noted and
	// ignored.
	Recorded     bool   `json:"recorded"`
	InvitationID int64  `json:"invitation_id,omitempty"`
	Status       string `json:"invitation_status,omitempty"`
	Recipient    string `json:"recipient"`
	Action       string `json:"action"`
	DSNStatus    string `json:"dsn_status"`
	Diagnostic   string `json:"diagnostic,omitempty"`
}

// handleAPIBounce takes a delivery status notification (RFC 3464) as the
// raw message, as a mail server's pipe or a mailbox poller hands it over,
// and records a permanent failure on the invitation named by the returned
// message's X-Promotor-Invitation header: the invitation is bounced and
// gets no reminders.
func (s *Server) handleAPIBounce(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	b, err := mail.ParseBounce(http.MaxBytesReader(w, r.Body, maxBounceBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return err
	case err != nil:
		return &invalidInput{detail: "the body is not a delivery status notification", problems: []fieldProblem{{Field: "body", Detail: err.Error()}}}
	}
	out := apiBounce{Recipient: b.Recipient, Action: b.Action, DSNStatus: b.Status, Diagnostic: b.Diagnostic}
	if b.Invitation == "" {
		return &invalidInput{detail: "the bounce names no invitation", problems: []fieldProblem{{Field: "X-Promotor-Invitation",
			Detail: "the report does not return the headers of a message that Promotor sent"}}}
	}
	if b.Permanent() {
		inv, err := s.db.RecordBounce(r.Context(), token.WorkspaceID, b.Invitation)
		if err != nil {
			return err
		}
		out.Recorded, out.InvitationID, out.Status = true, inv.ID, string(inv.Status)
	}
	return writeJSON(w, "application/json", http.StatusOK, out)
}
