package mail_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
)

// testPNG is a small PNG of w×h pixels.
func testPNG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSMTPInline: the images of a message arrive as inline parts of
// multipart/related with the Content-IDs the HTML refers to, byte for
// byte, and as no attachment.
func TestSMTPInline(t *testing.T) {
	mp := mailtest.Start(t)
	s := newSMTP(t, mp.Config())
	to := mailtest.Address(t)
	trend, logo := testPNG(t, 40, 20, color.RGBA{29, 78, 216, 255}), testPNG(t, 8, 8, color.Black)
	m := &mail.Message{
		To:      mail.Address{Email: to},
		Subject: "Digest",
		Text:    "NPS +18\n",
		HTML:    `<p>NPS +18</p><img src="cid:trend-7@promotor" alt="trend"><img src="cid:logo@promotor" alt="logo">`,
		Inline: []mail.Inline{
			{CID: "trend-7@promotor", ContentType: "image/png", Data: trend},
			{CID: "logo@promotor", ContentType: "image/png", Data: logo},
		},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got := mp.API.WaitTo(t, to, 1)[0]
	msg, err := mp.API.Message(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := mp.API.Headers(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/related;") {
		t.Errorf("Content-Type: got %q, want multipart/related", ct)
	}
	if msg.HTML != m.HTML || strings.TrimSpace(msg.Text) != "NPS +18" {
		t.Errorf("bodies: got %q and %q, want both alternatives", msg.HTML, msg.Text)
	}
	if len(msg.Attachments) != 0 {
		t.Errorf("attachments: got %+v, want none", msg.Attachments)
	}
	if len(msg.Inline) != len(m.Inline) {
		t.Fatalf("inline parts: got %+v, want %d", msg.Inline, len(m.Inline))
	}
	for i, want := range m.Inline {
		part := msg.Inline[i]
		if part.ContentID != want.CID || part.ContentType != "image/png" || !strings.HasSuffix(part.FileName, ".png") {
			t.Errorf("inline part %d: got %+v, want Content-ID %s, image/png, a .png name", i, part, want.CID)
		}
		data, err := mp.API.Part(ctx, got.ID, part.PartID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want.Data) {
			t.Errorf("inline part %d: got %d bytes, want the %d sent", i, len(data), len(want.Data))
		}
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("inline part %d: not a PNG: %v", i, err)
		}
	}
}
