package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/chart/chartpng"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The digest email, written by the periodic task send-digests: for each
// due subscription, the user's digest of the workspace in the user's
// language, showing what the user may see there (a member the accounts
// they own), queued with the store as one of the loop's emails. A digest
// holds:
//
//   - the score of the latest wave that has opened of each survey (the
//     one the dashboard shows first), with its interval, its change since
//     the wave before and whether that change is significant, and the
//     survey's trend over its waves as an inline PNG;
//   - the new detractors: answers first given since the last digest (or,
//     for the first, since one period before it) scoring 0 to 6 now;
//   - the overdue follow-ups, for members and up (a viewer works none);
//   - links to the dashboard, to the digest's settings and to a one-click
//     unsubscribe;
//   - the workspace's brand: its logo at the top and its colour.

const (
	// digestBatch is how many due digests one round of a run reads.
	digestBatch = 50
	// digestItems is how many detractors and follow-ups a digest lists.
	digestItems = 10
	// digestSurveys bounds the scores, and so the charts, of a digest.
	digestSurveys = 5
	// digestChartPx is a chart's width in the email, in CSS pixels (the
	// email's 600 px less its padding); its PNG has twice as many pixels
	// so that it is sharp on high-density screens.
	digestChartPx = 552
	// digestQuoteRunes bounds a detractor's comment in the email.
	digestQuoteRunes = 300
	// digestFollowUps is how many overdue follow-ups a digest counts.
	digestFollowUps = 500
)

// SendDigests writes and queues every digest that is due, each once even
// when another process runs it too (see store.QueueDigest). A digest
// that fails is left due for the next run and named in the error, after
// the others were tried. The serve command runs it every minute.
func (s *Server) SendDigests(ctx context.Context) error {
	now := s.db.Now()
	dw := newDigestWriter(s, now)
	var errs []error
	// tried holds the subscriptions this run is done with: failed, or
	// left to another process that changed them first. Neither is taken
	// again in this run, so that a row that stays due cannot keep it busy.
	tried := map[[2]int64]bool{}
	for ctx.Err() == nil {
		due, err := s.db.DueDigests(ctx, now, digestBatch+len(tried))
		if err != nil {
			return err
		}
		due = slices.DeleteFunc(due, func(r store.DigestRecipient) bool { return tried[[2]int64{r.WorkspaceID, r.UserID}] })
		if len(due) == 0 {
			break
		}
		for _, r := range due {
			n, err := dw.mail(ctx, r)
			queued := false
			if err == nil {
				queued, err = s.db.QueueDigest(ctx, r, now, n)
			}
			if err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("web: digest of user %d in workspace %d: %w", r.UserID, r.WorkspaceID, err))
			}
			if !queued {
				tried[[2]int64{r.WorkspaceID, r.UserID}] = true
			}
		}
	}
	return errors.Join(errs...)
}

// digestWriter writes the digests of one run, all as of now. The charts
// it drew are kept for the run: the users of a workspace who see the
// same accounts in the same language get the same chart, drawn once; and
// so are the workspaces' brands, read once.
type digestWriter struct {
	s      *Server
	now    time.Time
	charts map[digestChartKey]digestChart
	brands map[int64]nps.Brand
}

func newDigestWriter(s *Server, now time.Time) *digestWriter {
	return &digestWriter{s: s, now: now, charts: map[digestChartKey]digestChart{}, brands: map[int64]nps.Brand{}}
}

// digestChartKey names a trend chart: a survey's, of the accounts of an
// owner (0 for all), in a language.
type digestChartKey struct {
	survey, owner int64
	lang          string
}

// digestChart is a drawn trend chart: its PNG (nil for a survey without
// answers), its height at digestChartPx wide and its text alternative.
type digestChart struct {
	png    []byte
	height int
	alt    string
}

// mail writes r's digest.
func (dw *digestWriter) mail(ctx context.Context, r store.DigestRecipient) (nps.Notification, error) {
	s, now := dw.s, dw.now
	base := s.mailBase()
	if base == "" {
		return nps.Notification{}, errors.New("no public address for the digest's links")
	}
	msg := recipientMessages(r.User)
	l := appLayout{User: r.User, Workspace: r.Workspace, Role: r.Role, M: msg}
	ws := base + l.Base()
	owner := int64(0)
	if r.Role == nps.RoleMember {
		owner = r.User.ID
	}
	since := r.LastSentAt
	if since.IsZero() {
		since = nps.PreviousDigest(r.Frequency, r.NextAt)
	}
	surveys, err := s.db.Surveys(ctx, r.WorkspaceID)
	if err != nil {
		return nps.Notification{}, err
	}
	d := mail.Digest{
		Language:       msg.Lang,
		Subject:        msg.T("digest.mail.subject."+string(r.Frequency), "workspace", r.Workspace.Name),
		Greeting:       msg.T("digest.mail.greeting", "name", cmp.Or(r.User.Name, r.User.Email)),
		Intro:          []string{msg.T("digest.mail.intro", "workspace", r.Workspace.Name, "since", l.FormatTime(since))},
		ButtonURL:      ws + "/dashboard",
		ButtonLabel:    msg.T("digest.mail.button"),
		Footer:         msg.T("digest.mail.footer."+string(r.Frequency), "workspace", r.Workspace.Name),
		UnsubscribeURL: base + "/d/" + url.PathEscape(r.Token),
	}
	if owner != 0 {
		d.Intro = append(d.Intro, msg.T("digest.mail.member"))
	}
	d.Links = []mail.DigestLink{{Label: msg.T("digest.mail.settings"), URL: ws + "/digest"},
		{Label: msg.T("digest.mail.unsubscribe"), URL: d.UnsubscribeURL}}
	if d.Scores, d.Images, err = dw.scores(ctx, l, surveys, owner); err != nil {
		return nps.Notification{}, err
	}
	brand, ok := dw.brands[r.WorkspaceID]
	if !ok {
		if brand, err = s.db.Brand(ctx, r.WorkspaceID); err != nil {
			return nps.Notification{}, err
		}
		dw.brands[r.WorkspaceID] = brand
	}
	d.Colour = brand.Colour
	if len(brand.Logo) > 0 {
		d.Logo, d.LogoAlt = "logo@promotor", r.Workspace.Name
		d.Images = append(d.Images, mail.Inline{CID: d.Logo, ContentType: brand.LogoType, Data: brand.Logo})
	}
	detractors, err := s.digestDetractors(ctx, l, ws, surveys, store.DetractorFilter{After: since, Until: now, OwnerID: owner, Limit: digestItems})
	if err != nil {
		return nps.Notification{}, err
	}
	d.Sections = append(d.Sections, detractors)
	if roleAllows(r.Role, nps.RoleMember) {
		followUps, err := s.digestFollowUps(ctx, l, ws, owner)
		if err != nil {
			return nps.Notification{}, err
		}
		d.Sections = append(d.Sections, followUps)
	}
	m, err := s.emails.Digest(d)
	if err != nil {
		return nps.Notification{}, err
	}
	n := nps.Notification{ToEmail: r.User.Email, ToName: r.User.Name, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		UnsubscribeURL: m.Unsubscribe.URL}
	for _, img := range m.Inline {
		n.Inline = append(n.Inline, nps.InlineImage{CID: img.CID, ContentType: img.ContentType, Data: img.Data})
	}
	return n, nil
}

// scores are the scores of the surveys, up to digestSurveys of them,
// each of its latest wave that has opened, with its trend chart. A
// member skips the anonymous surveys, of which they see nothing.
func (dw *digestWriter) scores(ctx context.Context, l appLayout, surveys []nps.Survey, owner int64) ([]mail.DigestScore, []mail.Inline, error) {
	var scores []mail.DigestScore
	var images []mail.Inline
	for _, sv := range surveys {
		if len(scores) == digestSurveys {
			break
		}
		if sv.Anonymous && owner != 0 {
			continue
		}
		waves, err := dw.s.db.Waves(ctx, l.Workspace.ID, sv.ID)
		if err != nil {
			return nil, nil, err
		}
		i := nps.LatestOpened(waves, dw.now)
		if i < 0 {
			continue
		}
		score, img, err := dw.score(ctx, l, sv, waves, i, owner)
		if err != nil {
			return nil, nil, err
		}
		scores = append(scores, score)
		if img.CID != "" {
			images = append(images, img)
		}
	}
	return scores, images, nil
}

// score is the score of waves[i] of survey sv and its trend chart.
func (dw *digestWriter) score(ctx context.Context, l appLayout, sv nps.Survey, waves []nps.Wave, i int, owner int64) (mail.DigestScore, mail.Inline, error) {
	s, ws, wave := dw.s, l.Workspace.ID, waves[i]
	h, err := s.db.Histogram(ctx, ws, store.HistogramFilter{SurveyID: sv.ID, WaveID: wave.ID, OwnerID: owner})
	if err != nil {
		return mail.DigestScore{}, mail.Inline{}, err
	}
	cur := figure{Result: nps.EstimateOf(h, annual.Population(wave, owner)), Label: wave.Name}
	score := mail.DigestScore{Title: l.T("digest.mail.score_title", "survey", sv.Name, "wave", wave.Name), Score: l.T("dash.no_responses")}
	if !cur.Empty() {
		score.Score = cur.Format()
		score.Lines = append(score.Lines, l.T("digest.mail.interval", "interval", cur.Interval(), "n", l.Count(cur.N)))
	}
	switch {
	case i == 0:
		score.Lines = append(score.Lines, l.T("digest.mail.first_wave"))
	case !cur.Empty():
		prev := waves[i-1]
		ph, err := s.db.Histogram(ctx, ws, store.HistogramFilter{SurveyID: sv.ID, WaveID: prev.ID, OwnerID: owner})
		if err != nil {
			return mail.DigestScore{}, mail.Inline{}, err
		}
		c := compare(nps.EstimateOf(ph, annual.Population(prev, owner)), cur.Result)
		switch {
		case !c.OK:
			score.Lines = append(score.Lines, l.T("digest.mail.previous_empty", "wave", prev.Name))
		case c.Small:
			score.Lines = append(score.Lines, l.T("digest.mail.change_untested", "points", c.Points(), "wave", prev.Name, "verdict", l.Verdict(c)))
		default:
			score.Lines = append(score.Lines, l.T("digest.mail.change", "points", c.Points(), "wave", prev.Name, "verdict", l.Verdict(c), "p", c.PValue()))
		}
	}
	if !cur.Empty() && cur.Uncertain() {
		score.Lines = append(score.Lines, l.T("dash.small_sample.explain"))
	}
	c, err := dw.trend(ctx, l, sv, waves, owner)
	if err != nil || c.png == nil {
		return score, mail.Inline{}, err
	}
	img := mail.Inline{CID: "trend-" + strconv.FormatInt(sv.ID, 10) + "@promotor", ContentType: "image/png", Data: c.png}
	score.Image, score.ImageAlt, score.Width, score.Height = img.CID, c.alt, digestChartPx, c.height
	return score, img, nil
}

// trend draws the survey's NPS per wave, of the accounts of owner, as a
// PNG; a survey without answers has none. A chart drawn before in the
// run is drawn once.
func (dw *digestWriter) trend(ctx context.Context, l appLayout, sv nps.Survey, waves []nps.Wave, owner int64) (digestChart, error) {
	key := digestChartKey{survey: sv.ID, owner: owner, lang: l.Lang()}
	if c, ok := dw.charts[key]; ok {
		return c, nil
	}
	groups, err := dw.s.db.Histograms(ctx, l.Workspace.ID, store.HistogramFilter{SurveyID: sv.ID, OwnerID: owner}, store.GroupBy{Dimension: store.GroupWave})
	if err != nil {
		return digestChart{}, err
	}
	// In the order the waves opened, as the trend page shows them.
	order := map[string]int{}
	for i, wv := range waves {
		order[strconv.FormatInt(wv.ID, 10)] = i
	}
	slices.SortFunc(groups, func(x, y store.Group) int { return cmp.Compare(order[x.Key], order[y.Key]) })
	var points []chart.Point
	var values []string
	for _, g := range groups {
		i, ok := order[g.Key]
		if !ok {
			continue
		}
		f := figure{Result: nps.EstimateOf(g.Histogram, annual.Population(waves[i], owner)), Label: waves[i].Name}
		points = append(points, f.point())
		value := "—"
		if !f.Empty() {
			value = f.Format()
		}
		values = append(values, f.Label+" "+value)
	}
	var c digestChart
	if len(points) > 0 {
		svg := chart.Trend(l.T("dash.trend.by_wave"), l.T("dash.trend.desc", "survey", sv.Name), points, l.chartLabels())
		if c.png, err = chartpng.PNG(svg, 2*digestChartPx); err != nil {
			return digestChart{}, fmt.Errorf("trend chart of survey %d: %w", sv.ID, err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(c.png))
		if err != nil {
			return digestChart{}, fmt.Errorf("trend chart of survey %d: %w", sv.ID, err)
		}
		c.height = cfg.Height * digestChartPx / cfg.Width
		c.alt = l.T("digest.mail.chart_alt", "survey", sv.Name, "values", strings.Join(values, ", "))
	}
	dw.charts[key] = c
	return c, nil
}

// digestDetractors is the section of the new detractors of f.
func (s *Server) digestDetractors(ctx context.Context, l appLayout, ws string, surveys []nps.Survey, f store.DetractorFilter) (mail.DigestSection, error) {
	list, total, err := s.db.NewDetractors(ctx, l.Workspace.ID, f)
	if err != nil {
		return mail.DigestSection{}, err
	}
	names := map[int64]string{}
	for _, sv := range surveys {
		names[sv.ID] = sv.Name
	}
	sec := mail.DigestSection{Heading: l.T("digest.mail.detractors", "count", l.Count(total)),
		Empty: l.T("digest.mail.detractors.none", "since", l.FormatTime(f.After))}
	for _, r := range list {
		who := l.T("digest.mail.anonymous")
		switch {
		case r.ContactName != "" && r.AccountName != "":
			who = l.T("digest.mail.contact_account", "contact", r.ContactName, "account", r.AccountName)
		case r.AccountName != "" || r.ContactName != "" || r.ContactEmail != "":
			who = cmp.Or(r.AccountName, r.ContactName, r.ContactEmail)
		}
		sec.Items = append(sec.Items, mail.DigestItem{
			Text:  l.T("digest.mail.detractor", "who", who, "score", r.Score, "survey", names[r.SurveyID]),
			Quote: excerpt(r.Comment, digestQuoteRunes),
			URL:   ws + "/responses/" + strconv.FormatInt(r.ID, 10),
		})
	}
	if more := total - int64(len(list)); more > 0 {
		sec.More = l.T("digest.mail.more", "count", l.Count(more))
	}
	return sec, nil
}

// digestFollowUps is the section of the overdue follow-ups of the
// workspace, or of owner's accounts, the longest overdue first.
func (s *Server) digestFollowUps(ctx context.Context, l appLayout, ws string, owner int64) (mail.DigestSection, error) {
	items, err := s.db.Alerts(ctx, l.Workspace.ID, store.AlertFilter{Overdue: true, OwnerID: owner, Limit: digestFollowUps})
	if err != nil {
		return mail.DigestSection{}, err
	}
	slices.SortStableFunc(items, func(x, y store.AlertItem) int { return x.DueAt.Compare(y.DueAt) })
	count := l.Count(int64(len(items)))
	if len(items) == digestFollowUps {
		count += "+"
	}
	sec := mail.DigestSection{Heading: l.T("digest.mail.followups", "count", count), Empty: l.T("digest.mail.followups.none")}
	for _, it := range items[:min(len(items), digestItems)] {
		sec.Items = append(sec.Items, mail.DigestItem{
			Text: l.T("digest.mail.followup", "account", cmp.Or(it.AccountName, it.ResponderName(), "—"),
				"due", l.FormatTime(it.DueAt), "owner", cmp.Or(it.OwnerName, it.OwnerEmail, "—")),
			URL: ws + "/followups/" + strconv.FormatInt(it.ID, 10),
		})
	}
	if more := len(items) - len(sec.Items); more > 0 {
		sec.More = l.T("digest.mail.more", "count", l.Count(int64(more)))
	}
	return sec, nil
}
