package nps

import (
	"bytes"
	"image"
	_ "image/jpeg" // a logo may be a JPEG
	_ "image/png"  // or a PNG
	"time"
)

// Brand is a workspace's look on its reports and digests: colours as
// "#rrggbb" ("" for Promotor's own) and a logo.
type Brand struct {
	Colour, Accent string
	// Logo holds the image's bytes, LogoType its content type; no logo
	// when Logo is empty.
	Logo     []byte
	LogoType string
}

// Limits of a logo: the stored bytes and the pixels either way, enough
// for a sharp print at a report's size and small enough to decode cheaply.
const (
	MaxLogoBytes  = 512 << 10
	MaxLogoPixels = 4000
)

// ValidateColours reports whether the brand's colours are "" or
// lower-case "#rrggbb".
func (b Brand) ValidateColours() error {
	for field, c := range map[string]string{"colour": b.Colour, "accent": b.Accent} {
		if !validColour(c) {
			return fieldError(field, "%q must be a colour written as #rrggbb", c)
		}
	}
	return nil
}

func validColour(c string) bool {
	if c == "" {
		return true
	}
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, r := range c[1:] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// LogoType returns the content type of a logo, "image/png" or
// "image/jpeg", after checking that data is an image of that kind within
// the limits; what the browser said it was does not count.
func LogoType(data []byte) (string, error) {
	if len(data) == 0 {
		return "", fieldError("logo", "is empty")
	}
	if len(data) > MaxLogoBytes {
		return "", fieldError("logo", "is %d bytes, more than the %d allowed", len(data), MaxLogoBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return "", fieldError("logo", "must be a PNG or JPEG image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return "", fieldError("logo", "is %d×%d pixels; at most %d either way", cfg.Width, cfg.Height, MaxLogoPixels)
	}
	return "image/" + format, nil
}

// ReportLink is a read-only link to a wave's report. Whoever has its
// token reads the report, in Lang, anonymised when Anonymise is set,
// until ExpiresAt or until it is revoked.
type ReportLink struct {
	ID          int64
	WorkspaceID int64
	WaveID      int64
	Lang        string
	Anonymise   bool
	CreatedBy   int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RevokedAt   time.Time
}

// MaxReportLinkDays bounds how long a report link may work.
const MaxReportLinkDays = 366

// Validate reports the first problem with a new link, made at now.
func (l ReportLink) Validate(now time.Time) error {
	if l.Lang != "nl" && l.Lang != "en" {
		return fieldError("lang", "%q must be nl or en", l.Lang)
	}
	if !l.ExpiresAt.After(now) {
		return fieldError("expires", "must lie in the future")
	}
	if l.ExpiresAt.After(now.AddDate(0, 0, MaxReportLinkDays)) {
		return fieldError("expires", "must lie within %d days", MaxReportLinkDays)
	}
	return nil
}

// Works reports whether the link opens its report at t.
func (l ReportLink) Works(t time.Time) bool {
	return l.RevokedAt.IsZero() && t.Before(l.ExpiresAt)
}
