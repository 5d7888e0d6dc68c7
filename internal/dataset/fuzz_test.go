package dataset_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/promotor/promotor/internal/dataset"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// FuzzParseSplit checks the split of an aggregates export: a split is
// none, the owner, or one of the attributes the accounts have; anything
// else is a *nps.ValidationError of the field "by".
func FuzzParseSplit(f *testing.F) {
	for _, s := range []string{"", "owner", "account:industry", "account:Regio", "account:", "account:missing", "Owner", " owner", "account:industry "} {
		f.Add(s)
	}
	attributes := []string{"industry", "region", "size", "Regio", ""}
	f.Fuzz(func(t *testing.T, by string) {
		g, err := dataset.ParseSplit(by, attributes)
		if err != nil {
			var ve *nps.ValidationError
			if !errors.As(err, &ve) || ve.Field != "by" || ve.Message == "" {
				t.Fatalf("ParseSplit(%q): error %v is not a *nps.ValidationError of by", by, err)
			}
			return
		}
		switch {
		case by == "" && g == store.GroupBy{}:
		case by == "owner" && g == store.GroupBy{Dimension: store.GroupOwner}:
		case g.Dimension == store.GroupSegment && slices.Contains(attributes, g.Attribute) && by == "account:"+g.Attribute:
		default:
			t.Fatalf("ParseSplit(%q) = %+v", by, g)
		}
	})
}
