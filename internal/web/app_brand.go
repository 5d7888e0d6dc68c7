package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// brandPage is the workspace's look on its reports: a logo and colours.
// In agency mode every client is a workspace, with its own.
type brandPage struct {
	appLayout
	appFormErrors
	Brand nps.Brand
	Saved bool
}

// LogoURL is the logo as a data: URL for the preview; "" without one.
func (p brandPage) LogoURL() template.URL {
	if len(p.Brand.Logo) == 0 {
		return ""
	}
	// The type was checked against the bytes when the logo was stored.
	return template.URL("data:" + p.Brand.LogoType + ";base64," + base64.StdEncoding.EncodeToString(p.Brand.Logo))
}

func (s *Server) handleBrand(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	b, err := s.db.Brand(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/brand", brandPage{appLayout: a.layout(a.M.T("annual.brand.title")), Brand: b,
		Saved: r.URL.Query().Get("saved") == "1"})
}

// brandFormBytes bounds the brand form: the logo and a little more.
const brandFormBytes = nps.MaxLogoBytes + 64<<10

// handleBrandUpdate saves the colours and, when a file is sent, the logo;
// "remove_logo" removes it. A refused logo or colour changes nothing.
func (s *Server) handleBrandUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	r.Body = http.MaxBytesReader(w, r.Body, brandFormBytes)
	// A form without a file may come url-encoded.
	if err := r.ParseMultipartForm(brandFormBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return appHTTPError(http.StatusRequestEntityTooLarge, err, "annual.brand.too_big", "max", nps.MaxLogoBytes>>10)
		}
		return appHTTPError(http.StatusBadRequest, err, "app.error.form_unreadable")
	}
	ctx := r.Context()
	b := nps.Brand{Colour: strings.ToLower(strings.TrimSpace(r.PostFormValue("colour"))),
		Accent: strings.ToLower(strings.TrimSpace(r.PostFormValue("accent")))}
	var logo []byte
	file, _, err := r.FormFile("logo")
	switch {
	case err == nil:
		defer file.Close()
		if logo, err = io.ReadAll(file); err != nil {
			return appHTTPError(http.StatusBadRequest, err, "app.error.form_unreadable")
		}
	case !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		return appHTTPError(http.StatusBadRequest, err, "app.error.form_unreadable")
	}
	err = s.db.UpdateBrand(ctx, a.Workspace.ID, store.BrandUpdate{Colour: b.Colour, Accent: b.Accent, Logo: logo,
		RemoveLogo: r.PostFormValue("remove_logo") == "1"})
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		stored, err := s.db.Brand(ctx, a.Workspace.ID)
		if err != nil {
			return err
		}
		stored.Colour, stored.Accent = b.Colour, b.Accent
		return s.render(w, http.StatusUnprocessableEntity, "app/brand", brandPage{appLayout: a.layout(a.M.T("annual.brand.title")),
			appFormErrors: appFormErrors{ve}, Brand: stored})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/settings/brand?saved=1", http.StatusSeeOther)
	return nil
}
