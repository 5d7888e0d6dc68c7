package web

import "github.com/promotor/promotor/internal/i18n"

// valueNumbers writes the money pages' amounts and percentages in the
// page's language, in the format the report and the emails share
// (i18n.Numbers), and the results of the pages' steps.
type valueNumbers struct{ i18n.Numbers }

func newValueNumbers(lang string) valueNumbers { return valueNumbers{i18n.NewNumbers(lang)} }
