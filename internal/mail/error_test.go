package mail

import (
	"errors"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"550 5.1.1 <anna@example.com>: Recipient address rejected": "550 5.1.1 <[address]>: Recipient address rejected",
		"anna.de.vries+nps@mail.example.co.uk... User unknown":     "[address] User unknown",
		"mailbox \"b@x.example\" full, try jan@y.example, later":   "mailbox \"[address]\" full, try [address], later",
		"user 'zoë@voorbeeld.nl' unknown":                          "user '[address]' unknown",
		"4.4.1 connection timed out":                               "4.4.1 connection timed out",
	} {
		if got := Redact(errors.New(in)); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact(nil); got != "" {
		t.Errorf("Redact(nil) = %q, want empty", got)
	}
	se := &SendError{Permanent: true, Stage: StageRcpt, Code: 550, Text: "5.1.1 <anna@example.com> unknown"}
	if got, want := Redact(se), "mail: RCPT TO: 550 5.1.1 <[address]> unknown"; got != want {
		t.Errorf("Redact(SendError) = %q, want %q", got, want)
	}
}
