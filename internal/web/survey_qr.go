package web

import (
	"net/http"
	"strings"

	qr "github.com/piglig/go-qr"
)

// The QR codes of a survey's public link, to print on a poster or a
// slide. They encode the link's absolute URL.

// qrPNGScale and qrQuietZone size the PNG: 8 pixels a module, and the
// 4-module quiet zone the QR standard asks around the code.
const (
	qrPNGScale  = 8
	qrQuietZone = 4
)

// handlePublicQRPNG serves the QR code of a public link as a PNG image.
func (s *Server) handlePublicQRPNG(w http.ResponseWriter, r *http.Request) error {
	code, err := s.publicQR(r)
	if err != nil {
		return err
	}
	b, err := code.ToPNGBytes(qr.NewQrCodeImgConfig(qrPNGScale, qrQuietZone))
	if err != nil {
		return err
	}
	return writeQR(w, "image/png", b)
}

// handlePublicQRSVG serves the QR code of a public link as an SVG image,
// which prints sharp at any size.
func (s *Server) handlePublicQRSVG(w http.ResponseWriter, r *http.Request) error {
	code, err := s.publicQR(r)
	if err != nil {
		return err
	}
	// The SVG renderer counts the border in units of the drawing, not in
	// modules: at scale 1 the two are the same.
	b, err := code.ToSVGBytes(qr.NewQrCodeImgConfig(1, qrQuietZone, qr.WithOptimalSVG()))
	if err != nil {
		return err
	}
	return writeQR(w, "image/svg+xml", b)
}

// publicQR encodes the absolute URL of the public link in the request.
func (s *Server) publicQR(r *http.Request) (*qr.QrCode, error) {
	token := r.PathValue("token")
	if _, err := s.db.SurveyByPublicToken(r.Context(), token); err != nil {
		return nil, err
	}
	// Medium error correction survives a smudged print and keeps the code
	// small enough to scan from a distance.
	return qr.EncodeText(s.absoluteURL(r, "/p/"+token), qr.Medium)
}

// absoluteURL makes path absolute with Options.BaseURL, else with the
// address the request came to (https when requestHTTPS says so). Behind a
// reverse proxy the request's host may be the proxy's view (an internal
// host): operators there set --base-url, so that printed codes lead to the
// public address.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if base := strings.TrimRight(s.opts.BaseURL, "/"); base != "" {
		return base + path
	}
	scheme := "http"
	if s.requestHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func writeQR(w http.ResponseWriter, contentType string, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	// The code changes only with the base URL: an hour of caching spares
	// a page that embeds it.
	h.Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(b)
	return err
}
