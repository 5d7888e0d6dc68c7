package mail_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/mail"
)

func TestParseBounce(t *testing.T) {
	tests := []struct {
		file      string
		want      mail.Bounce
		permanent bool
	}{
		{"postfix-user-unknown.eml", mail.Bounce{
			Recipient: "jan@bakkerij-elst.nl", Action: "failed", Status: "5.1.1",
			Diagnostic:   "smtp; 550 5.1.1 <jan@bakkerij-elst.nl>: Recipient address rejected: User unknown in virtual mailbox table",
			ReportingMTA: "mx.example.net", Invitation: "tok-postfix", MessageID: "<inv-17.k7m2q4xw9c3tz8rj@example.com>",
		}, true},
		{"postfix-delayed.eml", mail.Bounce{
			Recipient: "inkoop@groothandel.example.org", Action: "delayed", Status: "4.4.1",
			Diagnostic:   "X-Postfix; connect to mx.groothandel.example.org[192.0.2.25]:25: Connection timed out",
			ReportingMTA: "mx.example.net", Invitation: "tok-delayed", MessageID: "<inv-23.u2kx8v4mq7c9zp3a@example.com>",
		}, false},
		{"exchange-recipient-not-found.eml", mail.Bounce{
			Recipient: "a.pieters@contoso.example", Action: "failed", Status: "5.1.10",
			Diagnostic:   "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
			ReportingMTA: "AM0PR01MB1234.eurprd01.prod.exchangelabs.com", Invitation: "tok-exchange", MessageID: "<inv-31.q9w3e5r7t2y4u6i8@example.com>",
		}, true},
		{"gmail-no-such-user.eml", mail.Bounce{
			Recipient: "noor.elst@gmail.com", Action: "failed", Status: "5.1.1",
			Diagnostic:   "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser 5b1f17b1804b1-4362f1b2c3dsi.1 - gsmtp",
			ReportingMTA: "googlemail.com", Invitation: "tok-gmail", MessageID: "<inv-44.a1b2c3d4e5f6g7h8@example.com>",
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "bounce", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := mail.ParseBounce(f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseBounce(%s):\ngot  %+v\nwant %+v", tt.file, got, tt.want)
			}
			if got.Permanent() != tt.permanent {
				t.Errorf("ParseBounce(%s).Permanent(): got %v, want %v", tt.file, got.Permanent(), tt.permanent)
			}
		})
	}
}

// A report about several recipients gives the one that failed.
func TestParseBounceFailedRecipientFirst(t *testing.T) {
	dsn := strings.ReplaceAll(`From: MAILER-DAEMON@mx.example.net
Content-Type: multipart/report; report-type=delivery-status; boundary=b

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
  
Final-Recipient: rfc822; ok@example.org
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; gone@example.org
Action: FAILED
Status: 5.2.1 (mailbox disabled)
--b--
`, "\n", "\r\n")
	got, err := mail.ParseBounce(strings.NewReader(dsn))
	if err != nil {
		t.Fatal(err)
	}
	if got.Recipient != "gone@example.org" || got.Action != "failed" || got.Status != "5.2.1" || !got.Permanent() {
		t.Errorf("got %+v, want gone@example.org failed 5.2.1, permanent", got)
	}
	if got.Invitation != "" || got.MessageID != "" {
		t.Errorf("without returned headers: got invitation %q, Message-ID %q, want none", got.Invitation, got.MessageID)
	}
}

func TestParseBounceRejects(t *testing.T) {
	notReport, err := os.ReadFile(filepath.Join("testdata", "bounce", "not-a-report.eml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"plain reply": string(notReport),
		"empty":       "",
		"no status part": "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b--\r\n",
		"no recipient": "Content-Type: multipart/report; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n--b--\r\n",
		"no boundary": "Content-Type: multipart/report\r\n\r\nx\r\n",
	}
	for name, in := range tests {
		if _, err := mail.ParseBounce(strings.NewReader(in)); !errors.Is(err, mail.ErrNotDSN) {
			t.Errorf("%s: got %v, want ErrNotDSN", name, err)
		}
	}
}

// statusCode is an RFC 3463 status code.
var statusCode = regexp.MustCompile(`^[245]\.[0-9]{1,3}\.[0-9]{1,3}$`)

// FuzzParseBounce checks that a bounce is read only from a delivery status
// report, with its action and status code normalised and its fields on one
// line, and that anything else is ErrNotDSN.
func FuzzParseBounce(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "bounce", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Shapes the files have not: base64, the internationalised report,
	// nesting, several recipients, a status without its code.
	report := func(ct, cte, status string) string {
		return "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b\r\nContent-Type: " + ct + "\r\n" + cte + "\r\n" + status +
			"\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nX-Promotor-Invitation: inv_1\r\nMessage-ID: <m@x>\r\n--b--\r\n--o--\r\n"
	}
	groups := "Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; a@x.nl\r\nAction: delayed\r\nStatus: 4.4.7\r\n \r\n" +
		"Final-Recipient: utf-8; <b@x.nl>\r\nAction: FAILED \r\nStatus: 5.1.1 (unknown)\r\nDiagnostic-Code: smtp; 550\r\n  5.1.1 no\r\n"
	f.Add([]byte(report("message/delivery-status", "", groups)))
	f.Add([]byte(report("message/global-delivery-status", "Content-Transfer-Encoding: base64\r\n",
		base64.StdEncoding.EncodeToString([]byte(groups)))))
	f.Add([]byte(report("message/delivery-status", "", "Reporting-MTA: x\r\n\r\nFinal-Recipient: a\r\nAction: failed\r\nStatus: 5.1\r\n")))
	f.Add([]byte(report("message/delivery-status", "Content-Transfer-Encoding: base64\r\n", "!!!")))
	f.Fuzz(func(t *testing.T, in []byte) {
		b, err := mail.ParseBounce(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, mail.ErrNotDSN) {
				t.Fatalf("error %v does not wrap ErrNotDSN", err)
			}
			return
		}
		if b.Action == "" || b.Status == "" || strings.ContainsAny(b.Diagnostic, "\r\n") {
			t.Fatalf("accepted a bounce without action or status, or a multi-line diagnostic: %+v", b)
		}
		if b.Permanent() && !strings.HasPrefix(b.Status, "5.") {
			t.Fatalf("permanent with status %q", b.Status)
		}
		if !statusCode.MatchString(b.Status) || b.Action != strings.ToLower(strings.TrimSpace(b.Action)) {
			t.Fatalf("status %q is not an RFC 3463 code, or action %q is not normalised", b.Status, b.Action)
		}
		for _, v := range []string{b.Recipient, b.Invitation, b.MessageID, b.ReportingMTA} {
			if strings.ContainsAny(v, "\r\n") {
				t.Fatalf("a field of %+v spans lines", b)
			}
		}
	})
}

func BenchmarkParseBounce(b *testing.B) {
	in, err := os.ReadFile(filepath.Join("testdata", "bounce", "postfix-user-unknown.eml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := mail.ParseBounce(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}
