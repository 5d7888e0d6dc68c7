package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestOpenAPIDocument keeps openapi.json true: every registered API route
// is documented with its path parameters, 401 and problem responses, and
// every documented operation is registered.
func TestOpenAPIDocument(t *testing.T) {
	var doc struct {
		OpenAPI  string                                `json:"openapi"`
		Security []map[string][]string                 `json:"security"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") || len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Errorf("openapi.json: version %q, security %v; want 3.1 with bearerAuth for every operation", doc.OpenAPI, doc.Security)
	}

	s, err := New(storetest.Open(t, store.SQLite), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.apiRoutes()) == 0 {
		t.Fatal("the server has no API routes")
	}
	registered := map[string]bool{"get /api/v1/openapi.json": true}
	for _, rt := range s.apiRoutes() {
		registered[strings.ToLower(rt.method)+" "+rt.pattern] = true
	}
	type operation struct {
		Parameters []struct{ Name, In string }
		Security   *[]map[string][]string
		Responses  map[string]json.RawMessage
	}
	pathParam := regexp.MustCompile(`\{(\w+)\}`)
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		var shared []struct{ Name, In string }
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				t.Errorf("%s parameters: %v", path, err)
			}
		}
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			key := method + " " + path
			documented[key] = true
			if !registered[key] {
				t.Errorf("openapi.json documents %s, which is not registered", key)
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Errorf("%s: %v", key, err)
				continue
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				in := func(p struct{ Name, In string }) bool { return p.Name == m[1] && p.In == "path" }
				if !slices.ContainsFunc(shared, in) && !slices.ContainsFunc(op.Parameters, in) {
					t.Errorf("%s: path parameter %s is not documented", key, m[1])
				}
			}
			if path == "/api/v1/openapi.json" {
				if op.Security == nil || len(*op.Security) != 0 {
					t.Errorf("%s: must be documented without security", key)
				}
				continue
			}
			if op.Security != nil {
				t.Errorf("%s: overrides the bearer token security", key)
			}
			if op.Responses["401"] == nil {
				t.Errorf("%s: documents no 401", key)
			}
			if (method != "get" || strings.Contains(path, "{")) && !hasProblem(op.Responses) {
				t.Errorf("%s: documents no problem response besides 401", key)
			}
		}
	}
	for key := range registered {
		if !documented[key] {
			t.Errorf("%s is registered but not in openapi.json", key)
		}
	}
	checkRefs(t, openAPIDocument)
}

// hasProblem reports whether responses include a 4xx besides 401.
func hasProblem(responses map[string]json.RawMessage) bool {
	for status := range responses {
		if strings.HasPrefix(status, "4") && status != "401" {
			return true
		}
	}
	return false
}

// checkRefs fails for every $ref of the document that names nothing.
func checkRefs(t *testing.T, raw []byte) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				target := doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := target.(map[string]any)
					target = m[part]
				}
				if target == nil {
					t.Errorf("openapi.json: $ref %q names nothing", ref)
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
}
