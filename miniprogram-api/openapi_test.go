package mpapi_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	mpapi "sunshine/miniprogram-api"
)

// TestOpenAPIMatchesRoutes keeps the OpenAPI description and the routes
// registered under /api/mp/v1 equal, path by path and method by method.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(mpapi.OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || doc.Servers[0].URL != mpapi.Prefix {
		t.Fatalf("openapi %q servers %v", doc.OpenAPI, doc.Servers)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			documented[strings.ToUpper(m)+" "+mpapi.Prefix+p] = true
		}
	}
	param := regexp.MustCompile(`:(\w+)`)
	registered := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == "HEAD" || !strings.HasPrefix(r.Path, mpapi.Prefix+"/") {
			continue
		}
		registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 || len(registered) < 20 {
		t.Fatalf("undocumented routes %v; documented but not registered %v (%d routes)", missing, extra, len(registered))
	}
	r := must(t, e.call("GET", "/api/mp/v1/openapi.json", "", nil), 200)
	if !json.Valid(r.Body) || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("served openapi: %s", r.Header.Get("Content-Type"))
	}
}
