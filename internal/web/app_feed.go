package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// feedPage is the responses feed: filters, full-text search, tags and
// pages that stay fast however deep (keyset pagination, see
// store.ResponseCursor).
type feedPage struct {
	appLayout
	Scope      dashScope
	Category   string
	HasComment bool
	Search     string
	Tag        string
	Tags       []string
	// Theme and Sentiment keep the comments the analysis found to
	// mention a theme or to have a tone; Themes are the choices, the
	// taxonomy's themes.
	Theme     string
	Sentiment nps.Sentiment
	Themes    []themeOption
	responseList
	Older string
}

// themeOption is a theme of the taxonomy as a filter offers it.
type themeOption struct {
	Key, Name string
}

// responseList is a page of responses with their tags, themes and tone,
// as the responselist template shows them.
type responseList struct {
	Responses   []store.ListedResponse
	ItemTags    map[int64][]string
	ItemInsight map[int64]store.CommentInsight
	// Quotable is set for those who choose the comments a report quotes;
	// ItemQuoted holds the listed answers chosen, Back the page to return
	// to after choosing.
	Quotable   bool
	ItemQuoted map[int64]bool
	Back       string
	names      taxonomyNames
	// themeLink is the feed filtered by a theme; the feed keeps its own
	// scope in it.
	themeLink func(r store.ListedResponse, key string) string
}

// TagsOf returns the tags of a listed response.
func (l responseList) TagsOf(id int64) []string { return l.ItemTags[id] }

// InsightOf returns what the analysis found in a listed response's
// comment; zero when it has not been analysed.
func (l responseList) InsightOf(id int64) store.CommentInsight { return l.ItemInsight[id] }

// ThemeName names a theme in the reader's language.
func (l responseList) ThemeName(key string) string { return l.names.of(key) }

// ThemeLink is the feed of the comments that mention a theme.
func (l responseList) ThemeLink(r store.ListedResponse, key string) string {
	return l.themeLink(r, key)
}

// listResponses reads a page of responses with their tags, themes and
// tone, each kind in one query for the whole page.
func (s *Server) listResponses(r *http.Request, a *appRequest, f store.ResponseFilter) (responseList, store.ResponseCursor, error) {
	themes, err := s.workspaceThemes(r, a)
	if err != nil {
		return responseList{}, store.ResponseCursor{}, err
	}
	return s.listNamedResponses(r, a, f, namesOf(themes, a.M.Lang))
}

// listNamedResponses is listResponses with the names of the themes.
func (s *Server) listNamedResponses(r *http.Request, a *appRequest, f store.ResponseFilter, names taxonomyNames) (responseList, store.ResponseCursor, error) {
	ctx, ws := r.Context(), a.Workspace.ID
	page, err := s.db.LatestResponses(ctx, ws, f)
	if err != nil {
		return responseList{}, store.ResponseCursor{}, err
	}
	ids := make([]int64, len(page.Responses))
	for i, resp := range page.Responses {
		ids[i] = resp.ID
	}
	feed := a.layout("").Base() + "/responses?"
	l := responseList{Responses: page.Responses, names: names, themeLink: func(r store.ListedResponse, key string) string {
		// The feed of the answer's own wave, where the chip was found.
		return feed + url.Values{"survey": {strconv.FormatInt(r.SurveyID, 10)}, "wave": {strconv.FormatInt(r.WaveID, 10)},
			"theme": {key}}.Encode()
	}}
	if l.ItemTags, err = s.db.TagsOf(ctx, ws, ids); err != nil {
		return l, page.Next, err
	}
	if l.ItemInsight, err = s.db.InsightOf(ctx, ws, ids); err != nil {
		return l, page.Next, err
	}
	if l.Quotable = roleAllows(a.Role, nps.RoleAnalyst); l.Quotable {
		l.Back = a.Here
		l.ItemQuoted, err = s.db.ChosenVerbatims(ctx, ws, ids)
	}
	return l, page.Next, err
}

// feedFilterOf reads the feed's scope and filters from the query: what the
// feed lists, and what the export of its responses holds. The cursor of a
// page is left to the feed.
func (s *Server) feedFilterOf(r *http.Request, a *appRequest) (feedPage, store.ResponseFilter, error) {
	q := r.URL.Query()
	sc, err := s.dashScopeOf(r, a, true)
	if err != nil {
		return feedPage{}, store.ResponseFilter{}, err
	}
	p := feedPage{appLayout: a.layout(a.M.T("dash.responses")), Scope: sc,
		Category: q.Get("category"), HasComment: q.Get("comment") == "1", Search: q.Get("q"), Tag: q.Get("tag"),
		Theme: q.Get("theme"), Sentiment: nps.Sentiment(q.Get("sentiment"))}
	if p.Sentiment != "" && !slices.Contains(nps.Sentiments, p.Sentiment) {
		return p, store.ResponseFilter{}, badRequest("insight.err.sentiment")
	}
	f := store.ResponseFilter{SurveyID: sc.Survey.ID, WaveID: sc.Wave.ID, OwnerID: sc.OwnerID, Segment: sc.Segment,
		Category: p.Category, HasComment: p.HasComment, Search: p.Search, Tag: p.Tag, Theme: p.Theme, Sentiment: p.Sentiment}
	return p, f, nil
}

func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, f, err := s.feedFilterOf(r, a)
	if err != nil {
		return err
	}
	sc := p.Scope
	if f.After, err = appParseCursor(r.URL.Query().Get("after")); err != nil {
		return err
	}
	ctx, ws := r.Context(), a.Workspace.ID
	if p.Tags, err = s.db.TagNames(ctx, ws); err != nil {
		return err
	}
	themes, err := s.workspaceThemes(r, a)
	if err != nil {
		return err
	}
	names := namesOf(themes, a.M.Lang)
	p.Themes = themeOptions(names, p.Theme)
	if sc.Survey.ID == 0 {
		return s.render(w, http.StatusOK, "app/responses", p)
	}
	list, next, err := s.listNamedResponses(r, a, f, names)
	if err != nil {
		return err
	}
	list.themeLink = func(_ store.ListedResponse, key string) string { return "?" + p.FilterQuery("theme", key, "after", "") }
	p.responseList = list
	if !next.IsZero() {
		p.Older = "?" + p.FilterQuery("after", appFormatCursor(next))
	}
	return s.render(w, http.StatusOK, "app/responses", p)
}

// FilterQuery is the feed's scope and filters as a query, with extra
// name, value pairs on top.
func (p feedPage) FilterQuery(extra ...string) string {
	return string(p.Scope.Query(append([]string{"category", p.Category, "comment", boolParam(p.HasComment),
		"q", p.Search, "tag", p.Tag, "theme", p.Theme, "sentiment", string(p.Sentiment)}, extra...)...))
}

// ExportLink is the export of the feed's responses, with its filters, as
// a file of the format ("csv" or "xlsx").
func (p feedPage) ExportLink(format string) string {
	return p.Base() + "/export/responses." + format + "?" + p.FilterQuery()
}

func boolParam(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// responsePage is the permalink of one response.
type responsePage struct {
	appLayout
	Response store.ListedResponse
	Survey   nps.Survey
	Wave     nps.Wave
	Tags     []string
}

// responseOf reads the response of the URL: of the workspace and, for a
// member, of an account they own; anything else is not found.
func (s *Server) responseOf(r *http.Request, a *appRequest) (store.ListedResponse, error) {
	id, err := appPathID(r, "response")
	if err != nil {
		return store.ListedResponse{}, err
	}
	f := store.ResponseFilter{ID: id, Limit: 1, OwnerID: ownerScope(a)}
	page, err := s.db.LatestResponses(r.Context(), a.Workspace.ID, f)
	if err != nil {
		return store.ListedResponse{}, err
	}
	if len(page.Responses) == 0 {
		return store.ListedResponse{}, nps.ErrNotFound
	}
	return page.Responses[0], nil
}

func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	resp, err := s.responseOf(r, a)
	if err != nil {
		return err
	}
	wv, sv, err := s.waveAndSurvey(r, a, resp.WaveID)
	if err != nil {
		return err
	}
	tags, err := s.db.TagsOf(r.Context(), a.Workspace.ID, []int64{resp.ID})
	if err != nil {
		return err
	}
	p := responsePage{appLayout: a.layout(a.M.T("dash.response.title", "id", resp.ID)), Response: resp, Survey: sv, Wave: wv, Tags: tags[resp.ID]}
	return s.render(w, http.StatusOK, "app/response", p)
}

// handleResponseTag adds (or, with remove=1, removes) a tag of a response.
func (s *Server) handleResponseTag(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	resp, err := s.responseOf(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	tag := r.PostFormValue("tag")
	if r.PostFormValue("remove") == "1" {
		err = s.db.RemoveTag(r.Context(), a.Workspace.ID, resp.ID, tag)
	} else {
		err = s.db.AddTag(r.Context(), a.Workspace.ID, resp.ID, tag, a.User.ID)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/responses/"+strconv.FormatInt(resp.ID, 10)+"#tags", http.StatusSeeOther)
	return nil
}
