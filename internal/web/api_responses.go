package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// POST /api/v1/responses takes one response object, or {"responses": […]}
// with 1 to store.MaxBatch of them, all or nothing. Input is checked in
// three steps, each listing every problem it finds with the item's index
// and field: the JSON of each item (strictly: unknown fields, a score of
// 7.5, "7" or 1e3 are refused, not coerced), then what the items refer to
// (waves, contacts, accounts of the token's workspace), then the store's
// own checks when recording. Nothing is written unless every item passes.

// apiResponse is a stored response in the API. User text is returned as
// stored; the JSON encoder escapes <, > and & so that it cannot become
// markup if a client pastes it into a page.
type apiResponse struct {
	ID           int64       `json:"id"`
	SurveyID     int64       `json:"survey_id"`
	WaveID       int64       `json:"wave_id"`
	InvitationID int64       `json:"invitation_id,omitempty"`
	ContactID    int64       `json:"contact_id,omitempty"`
	AccountID    int64       `json:"account_id,omitempty"`
	Score        int         `json:"score"`
	Category     string      `json:"category"`
	Comment      string      `json:"comment"`
	Answers      nps.Answers `json:"answers"`
	Language     string      `json:"language"`
	Channel      nps.Channel `json:"channel"`
	Revision     int         `json:"revision"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

func toAPIResponse(r nps.Response) apiResponse {
	return apiResponse{ID: r.ID, SurveyID: r.SurveyID, WaveID: r.WaveID, InvitationID: r.InvitationID,
		ContactID: r.ContactID, AccountID: r.AccountID, Score: r.Score, Category: r.Category().String(),
		Comment: r.Comment, Answers: r.Answers, Language: r.Language, Channel: r.Channel,
		Revision: r.Revision, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// responseItem is one parsed response with the natural keys it may name
// its contact and account by.
type responseItem struct {
	r                 nps.Response
	contactEmail      string
	accountExternalID string
}

func (s *Server) handleAPIResponseCreate(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	ctx := r.Context()
	keys := r.Header.Values("Idempotency-Key")
	if len(keys) > 1 {
		return &nps.ValidationError{Field: "Idempotency-Key", Message: "is given more than once"}
	}
	if len(keys) == 1 {
		if err := store.CheckIdempotencyKey(keys[0]); err != nil {
			return err
		}
	}
	body, err := readBody(w, r, maxBatchBody)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	items, batch, err := parseResponses(body)
	if err != nil {
		return err
	}
	rs, err := s.resolveRefs(r, token.WorkspaceID, items, batch)
	if err != nil {
		return err
	}
	answer := func(stored []nps.Response) (store.StoredAnswer, error) {
		var v any
		if batch {
			out := struct {
				Responses []apiResponse `json:"responses"`
			}{Responses: make([]apiResponse, len(stored))}
			for i, st := range stored {
				out.Responses[i] = toAPIResponse(st)
			}
			v = out
		} else {
			v = toAPIResponse(stored[0])
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return store.StoredAnswer{}, fmt.Errorf("web: encode JSON: %w", err)
		}
		return store.StoredAnswer{Status: http.StatusCreated, Body: buf.Bytes()}, nil
	}

	var a store.StoredAnswer
	switch {
	case len(keys) == 1:
		var replayed bool
		if a, replayed, err = s.db.RecordResponsesOnce(ctx, token.WorkspaceID, keys[0], hex.EncodeToString(sum[:]), rs, answer); err != nil {
			return singleItem(err, batch)
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		} else {
			s.opts.Metrics.AnswersStored(metrics.ChannelAPI, len(rs))
		}
	case batch:
		stored, err := s.db.RecordResponses(ctx, token.WorkspaceID, rs)
		if err != nil {
			return err
		}
		s.opts.Metrics.AnswersStored(metrics.ChannelAPI, len(stored))
		if a, err = answer(stored); err != nil {
			return err
		}
	default:
		stored, err := s.db.RecordResponse(ctx, token.WorkspaceID, rs[0])
		if err != nil {
			return singleItem(err, batch)
		}
		s.opts.Metrics.AnswersStored(metrics.ChannelAPI, 1)
		if a, err = answer([]nps.Response{stored}); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(a.Status)
	_, err = w.Write(a.Body)
	return err
}

// singleItem reports the refusal of a single response (not a batch) like
// a batch item's, without an index: a 422 naming the field.
func singleItem(err error, batch bool) error {
	if batch {
		return err
	}
	var be *store.BatchError
	if errors.As(err, &be) && len(be.Items) == 1 {
		err = be.Items[0].Err
	}
	var ve *nps.ValidationError
	if errors.As(err, &ve) || errors.Is(err, nps.ErrWaveClosed) || errors.Is(err, nps.ErrOptedOut) || errors.Is(err, nps.ErrNotFound) {
		p := itemProblem(0, err)
		p.Index = nil
		return &invalidInput{detail: "the response cannot be recorded", problems: []fieldProblem{p}}
	}
	return err
}

// parseResponses parses the body of POST /api/v1/responses into items,
// reporting whether it was a batch, or an *invalidInput listing every
// problem.
func parseResponses(body []byte) ([]responseItem, bool, error) {
	if !utf8.Valid(body) {
		// encoding/json would replace invalid bytes with U+FFFD and store
		// text the client never sent.
		return nil, false, &invalidInput{detail: "the request body is not acceptable",
			problems: []fieldProblem{{Detail: "is not valid UTF-8 text"}}}
	}
	var top map[string]json.RawMessage
	if err := decodeTop(body, &top); err != nil {
		return nil, false, err
	}
	objs := []map[string]json.RawMessage{top}
	batch := false
	if list, ok := top["responses"]; ok {
		batch = true
		for k := range top {
			if k != "responses" {
				return nil, true, &invalidInput{detail: "the request body is not acceptable",
					problems: []fieldProblem{{Field: k, Detail: "is not a field of a batch, which holds only responses"}}}
			}
		}
		// One pass over the array: an element that is not an object
		// fails alone and stays nil, which its parse reports by index.
		var typ *json.UnmarshalTypeError
		objs = nil
		if err := json.Unmarshal(list, &objs); objs == nil || (err != nil && !errors.As(err, &typ)) {
			return nil, true, &invalidInput{detail: "the request body is not acceptable",
				problems: []fieldProblem{{Field: "responses", Detail: "must be an array of response objects"}}}
		}
		if len(objs) == 0 || len(objs) > store.MaxBatch {
			return nil, true, &invalidInput{detail: "the batch has the wrong size",
				problems: []fieldProblem{{Field: "responses", Detail: fmt.Sprintf("must hold 1 to %d responses, got %d; split larger batches", store.MaxBatch, len(objs))}}}
		}
	}
	items := make([]responseItem, len(objs))
	var problems []fieldProblem
	for i, obj := range objs {
		p := itemParser{problems: &problems}
		if batch {
			p.index = &i
		}
		items[i] = p.parse(obj)
	}
	if problems != nil {
		return nil, batch, &invalidInput{detail: invalidCount(problems, batch), problems: problems}
	}
	return items, batch, nil
}

// decodeTop decodes the body's top-level object; other JSON values are
// refused as such, and what is not JSON gets the parser's message.
func decodeTop(body []byte, top *map[string]json.RawMessage) error {
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] != '{' && json.Valid(t) {
		return &invalidInput{detail: "the request body is not acceptable",
			problems: []fieldProblem{{Detail: `must be a response object or {"responses": [...]}`}}}
	}
	return decodeJSON(body, top)
}

// invalidCount is the detail of a refused request: how many items failed.
func invalidCount(problems []fieldProblem, batch bool) string {
	if !batch {
		return "the response is not acceptable; nothing was recorded"
	}
	items := map[int]bool{}
	for _, p := range problems {
		items[*p.Index] = true
	}
	return fmt.Sprintf("%d of the responses are not acceptable; none was recorded", len(items))
}

// resolveRefs checks what the items refer to against the workspace, fills
// in contacts and accounts named by email or external ID, and returns the
// responses to record.
func (s *Server) resolveRefs(r *http.Request, workspaceID int64, items []responseItem, batch bool) ([]nps.Response, error) {
	var refs store.Refs
	for _, it := range items {
		refs.WaveIDs = append(refs.WaveIDs, it.r.WaveID)
		refs.ContactIDs = append(refs.ContactIDs, it.r.ContactID)
		refs.AccountIDs = append(refs.AccountIDs, it.r.AccountID)
		refs.ContactEmails = append(refs.ContactEmails, it.contactEmail)
		refs.AccountExternalIDs = append(refs.AccountExternalIDs, it.accountExternalID)
	}
	found, err := s.db.FindRefs(r.Context(), workspaceID, refs)
	if err != nil {
		return nil, err
	}
	var problems []fieldProblem
	rs := make([]nps.Response, len(items))
	for i, it := range items {
		p := itemParser{problems: &problems}
		if batch {
			p.index = &i
		}
		if !found.Waves[it.r.WaveID] {
			p.bad("wave_id", "wave %d does not exist in this workspace", it.r.WaveID)
		}
		if id := it.r.ContactID; id != 0 && !found.Contacts[id] {
			p.bad("contact_id", "contact %d does not exist in this workspace", id)
		}
		if e := it.contactEmail; e != "" {
			if it.r.ContactID = found.ContactByEmail[nps.NormalizeEmail(e)]; it.r.ContactID == 0 {
				p.bad("contact_email", "no contact of this workspace has the email %q", e)
			}
		}
		if id := it.r.AccountID; id != 0 && !found.Accounts[id] {
			p.bad("account_id", "account %d does not exist in this workspace", id)
		}
		if x := it.accountExternalID; x != "" {
			if it.r.AccountID = found.AccountByExternalID[x]; it.r.AccountID == 0 {
				p.bad("account_external_id", "no account of this workspace has the external ID %q", x)
			}
		}
		rs[i] = it.r
	}
	if problems != nil {
		return nil, &invalidInput{detail: invalidCount(problems, batch), problems: problems}
	}
	return rs, nil
}
