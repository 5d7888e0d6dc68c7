package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	_ "image/jpeg" // the logos a workspace may have: JPEG
	_ "image/png"  // and PNG
	"math"
	"strconv"

	"github.com/promotor/promotor/internal/nps"
)

// Promotor's own colours, for a workspace that chose none: a deep blue for
// headings and rules and a brighter one for highlights.
const (
	defaultColour = "#1f4e79"
	defaultAccent = "#0b5cad"
)

// brand is a workspace's look as the report uses it: valid colours, each
// also darkened where needed to be readable as text on white, and a logo
// that decodes as what it claims to be.
type brand struct {
	// Colour heads and rules the report, Accent highlights; ColourText and
	// AccentText are the same hues with at least 4.5:1 contrast on white
	// (and of white on them), for text and for text on a filled box.
	Colour, Accent, ColourText, AccentText string
	// Logo is the image's bytes, LogoType its content type and LogoW and
	// LogoH its size in pixels; Logo is nil when there is none.
	Logo         []byte
	LogoType     string
	LogoW, LogoH int
	// image is the decoded logo, which the PDF writes again as a PNG.
	image image.Image
}

// brandOf takes the colours of b that are "#rrggbb" (any case), and
// Promotor's own for the others, and the logo when it is a PNG or JPEG
// image that decodes; a logo that does not is left out rather than
// failing the report.
func brandOf(b nps.Brand) brand {
	br := coloursOf(b)
	if img, ok := decodeLogo(b.Logo, b.LogoType); ok {
		br.Logo, br.LogoType, br.LogoW, br.LogoH, br.image = b.Logo, b.LogoType, img.Bounds().Dx(), img.Bounds().Dy(), img
	}
	return br
}

// coloursOf is the brand's colours without its logo, all the page's
// style needs.
func coloursOf(b nps.Brand) brand {
	br := brand{Colour: defaultColour, Accent: defaultAccent}
	if c, ok := parseColour(b.Colour); ok {
		br.Colour = c.hex()
	}
	if c, ok := parseColour(b.Accent); ok {
		br.Accent = c.hex()
	}
	c, _ := parseColour(br.Colour)
	br.ColourText = c.readable().hex()
	a, _ := parseColour(br.Accent)
	br.AccentText = a.readable().hex()
	return br
}

// decodeLogo decodes a logo that is the PNG or JPEG its type says, within
// the limits a workspace's logo is stored with (nps.LogoType), which read
// the size from the header first, so that a small file claiming a huge
// canvas is refused before it is decoded.
func decodeLogo(logo []byte, typ string) (image.Image, bool) {
	if got, err := nps.LogoType(logo); err != nil || got != typ {
		return nil, false
	}
	img, _, err := image.Decode(bytes.NewReader(logo))
	return img, err == nil
}

// LogoURI is the logo as a data: URI, for the HTML page's <img>.
func (b brand) LogoURI() template.URL {
	// The bytes decoded as the type they claim and the type is one of
	// two, so the URI can hold nothing but that image.
	return template.URL("data:" + b.LogoType + ";base64," + base64.StdEncoding.EncodeToString(b.Logo))
}

// rgb is a colour of 8-bit channels.
type rgb struct{ r, g, b uint8 }

// parseColour reads "#rrggbb".
func parseColour(s string) (rgb, bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}, true
}

func (c rgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

// luminance is the WCAG relative luminance of c.
func (c rgb) luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is c's contrast ratio with white.
func (c rgb) contrast() float64 { return 1.05 / (c.luminance() + 0.05) }

// readable darkens c towards black until it reaches 4.5:1 with white
// (WCAG AA for text), keeping its hue: a yellow brand colour becomes an
// ochre heading rather than an unreadable one.
func (c rgb) readable() rgb {
	for f := 1.0; f > 0; f -= 0.02 {
		if d := c.scale(f); d.contrast() >= 4.5 {
			return d
		}
	}
	return rgb{}
}

func (c rgb) scale(f float64) rgb {
	m := func(v uint8) uint8 { return uint8(math.Round(float64(v) * f)) }
	return rgb{m(c.r), m(c.g), m(c.b)}
}
