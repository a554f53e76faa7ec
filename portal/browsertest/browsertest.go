// Package browsertest drives Debian's Chromium from Go tests with chromedp:
// a fresh headless browser per test, page screenshots at desktop and phone
// widths into docs/screenshots, the axe-core accessibility check (vendored
// under testdata, injected into the page) and the 360 px sideways-scroll
// check. Without Chromium the tests skip, except under CI=true, where they
// fail: CI must install it (.ci/run).
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

//go:embed testdata/axe.min.js
var axeSource string

// Widths of the screenshots: a desktop and a 360 px phone.
const (
	Desktop = 1280
	Phone   = 360
)

// chromium finds the browser: $CHROMIUM, or chromium on the PATH.
func chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium with a fresh profile for t and returns a
// tab's context (closed when t ends). Without Chromium it skips the test,
// or fails it when CI=true.
func New(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: CI must run the browser tests (apt-get install chromium)")
		}
		t.Skip("chromium is not installed: browser tests skipped")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(Desktop, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// Isolated opens a tab in a new browser context of the same browser: its
// own cookies and storage, as a second person would have.
func Isolated(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	c, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(c); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	t.Cleanup(cancel)
	return c
}

// Do runs actions with a timeout and fails the test on error.
func Do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Get runs one action that returns a value, with a timeout; an error fails the test.
func Get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Width sets the viewport width (height 900) as a device would.
func Width(w int64) chromedp.Action[chromedp.Void] {
	if w < 600 {
		return chromedp.EmulateViewport(w, 900, chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(w, 900)
}

// ScreenshotDir is docs/screenshots of the repository.
func ScreenshotDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "screenshots")
}

// Screenshot saves the whole page at width w as docs/screenshots/<name>-<w>.png.
func Screenshot(t *testing.T, ctx context.Context, name string, w int64) {
	t.Helper()
	Do(t, ctx, "viewport "+name, Width(w), chromedp.Sleep(100*time.Millisecond))
	buf := Get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	dir := ScreenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 -- the screenshots folder of the repository's docs, meant to be read
		t.Fatal(err)
	}
	ext := ".png"
	if len(buf) > 3 && buf[0] == 0xff && buf[1] == 0xd8 {
		ext = ".jpg"
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-"+itoa(w)+ext), buf, 0o644); err != nil { // #nosec G306 -- a screenshot for the repository's docs, meant to be read
		t.Fatal(err)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// NoSideScroll fails the test when the page at width w scrolls sideways.
func NoSideScroll(t *testing.T, ctx context.Context, page string, w int64) {
	t.Helper()
	Do(t, ctx, "viewport "+page, Width(w), chromedp.Sleep(100*time.Millisecond))
	dims := Get(t, ctx, "measure "+page,
		chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if len(dims) == 2 && dims[0] > dims[1] {
		t.Errorf("%s at %d px scrolls sideways: scrollWidth %d > clientWidth %d", page, w, dims[0], dims[1])
	}
}

// Violation is an axe-core finding.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core (WCAG 2.1 A and AA rules) on the page and fails the test
// on a serious or critical violation.
func Axe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]}).then(r => r.violations)`
	Do(t, ctx, "inject axe", chromedp.Evaluate[chromedp.Void](axeSource))
	found := Get(t, ctx, "axe "+page, chromedp.Evaluate[[]Violation](run, chromedp.EvalAwaitPromise))
	for _, v := range found {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, n.HTML)
			}
			t.Errorf("%s: axe %s (%s): %s — %s", page, v.ID, v.Impact, v.Help, strings.Join(where, " | "))
		}
	}
}
