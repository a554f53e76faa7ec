package casework_test

import (
	"os/exec"
	"strings"
	"testing"
)

// deps lists the packages pkg depends on, standard library included.
func deps(t *testing.T, pkgs ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, p := range pkgs {
		cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}"}, p)...)
		b, err := cmd.Output()
		if err != nil {
			t.Skipf("go list %s: %v", p, err)
		}
		out[p] = append(out[p], strings.Split(strings.TrimSpace(string(b)), "\n")...)
	}
	return out
}

// The workflow core stays free of transport, storage and WeChat: it needs
// only the standard library (no net/http) and the error codes. The two
// surfaces — the mini-program API and the staff portal — never import each
// other.
func TestImportBoundaries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	d := deps(t, "sunshine/app/casework", "sunshine/miniprogram-api", "sunshine/portal/...")
	for _, line := range d["sunshine/app/casework"] {
		path, std, _ := strings.Cut(line, " ")
		switch {
		case path == "sunshine/app/casework" || path == "sunshine/app/errs":
		case std == "true" && !strings.HasPrefix(path, "net/http"):
		default:
			t.Errorf("app/casework depends on %s", path)
		}
	}
	for _, line := range d["sunshine/miniprogram-api"] {
		if path, _, _ := strings.Cut(line, " "); strings.HasPrefix(path, "sunshine/portal") {
			t.Errorf("miniprogram-api depends on %s", path)
		}
	}
	for _, line := range d["sunshine/portal/..."] {
		if path, _, _ := strings.Cut(line, " "); strings.HasPrefix(path, "sunshine/miniprogram-api") {
			t.Errorf("portal depends on %s", path)
		}
	}
}
