package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store/storetest"
)

// TestReportCommand writes the demo's report as PDF and HTML, in both
// languages, and refuses what it cannot write without leaving a file.
func TestReportCommand(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			if out, errOut, code := runCLI(t, "", "demo", "--database", dsn, "--seed", "3"); code != 0 {
				t.Fatalf("demo: exit %d: %s\n%s", code, errOut, out)
			}
			dir := t.TempDir()
			pdf, page := filepath.Join(dir, "report.pdf"), filepath.Join(dir, "report.html")
			if out, errOut, code := runCLI(t, "", "report", "--database", dsn, "--workspace", "demo", "--lang", "en", "-o", pdf); code != 0 {
				t.Fatalf("report: exit %d: %s\n%s", code, errOut, out)
			}
			if info, err := os.Stat(pdf); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("report.pdf: %v, mode %v; want readable by its owner only", err, info.Mode())
			}
			b, err := os.ReadFile(pdf)
			if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
				t.Fatalf("report.pdf: %v, begins %q", err, b[:min(len(b), 8)])
			}
			if text, err := exec.Command("pdftotext", pdf, "-").Output(); err == nil {
				for _, want := range []string{"NPS", "Appendix"} {
					if !strings.Contains(string(text), want) {
						t.Errorf("the PDF's text has no %q", want)
					}
				}
			}
			if _, errOut, code := runCLI(t, "", "report", "--database", dsn, "--workspace", "demo", "--wave", "2024",
				"--format", "html", "--anonymise", "-o", page); code != 0 {
				t.Fatalf("report --format html: exit %d: %s", code, errOut)
			}
			html, err := os.ReadFile(page)
			if err != nil || !strings.Contains(string(html), `<html lang="nl">`) || !strings.Contains(string(html), "2024") {
				t.Errorf("report.html: %v\n%.300s", err, html)
			}
			out, _, code := runCLI(t, "", "report", "--database", dsn, "--workspace", "demo", "--format", "html", "-o", "-")
			if code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") {
				t.Errorf("report -o -: exit %d, begins %.40q", code, out)
			}
			for _, args := range [][]string{
				{"--workspace", "nope", "-o", filepath.Join(dir, "x.pdf")},
				{"--workspace", "demo", "--wave", "1999", "-o", filepath.Join(dir, "x.pdf")},
				{"--workspace", "demo", "--wave", "999999", "-o", filepath.Join(dir, "x.pdf")},
				{"--workspace", "demo", "--format", "docx", "-o", filepath.Join(dir, "x.pdf")},
				{"--workspace", "demo", "--lang", "de", "-o", filepath.Join(dir, "x.pdf")},
				{"--workspace", "demo"},
			} {
				if _, _, code := runCLI(t, "", append([]string{"report", "--database", dsn}, args...)...); code != 2 {
					t.Errorf("report %v: exit %d, want 2", args, code)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Errorf("files left: %v, want the two reports only", entries)
			}
		})
	}
}
