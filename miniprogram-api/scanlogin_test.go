package mpapi_test

import (
	"testing"
	"time"

	"sunshine/app/scanlogin"
)

// TestScanLoginConfirm: the logged-in member confirms a portal ticket; a
// second member cannot take it over; unknown, expired and anonymous
// confirmations are refused.
func TestScanLoginConfirm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.login("scan-a"), e.login("scan-b")
	tk, err := e.scan.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/mp/v1/scan-login/" + tk.ID + "/confirm"
	must(t, e.call("POST", path, "", nil), 401)
	must(t, e.call("POST", path, a.Token, nil), 200)
	must(t, e.call("POST", path, a.Token, nil), 200) // the same member again: harmless
	r := must(t, e.call("POST", path, b.Token, nil), 409)
	if r.errCode() != "conflict" {
		t.Fatalf("second member: %s", r.Body)
	}
	st, id, err := e.scan.Take(ctx, tk.ID, tk.Secret)
	if err != nil || st != scanlogin.Confirmed || id != a.ID {
		t.Fatalf("take: %v %d %v, want member %d", st, id, err, a.ID)
	}
	must(t, e.call("POST", path, a.Token, nil), 409) // used
	must(t, e.call("POST", "/api/mp/v1/scan-login/ABCDEFGHJKLMNPQRSTUVWXYZ/confirm", a.Token, nil), 404)

	old, _ := e.scan.Create(ctx)
	e.clock.Add(scanlogin.TTL + time.Second)
	must(t, e.call("POST", "/api/mp/v1/scan-login/"+old.ID+"/confirm", a.Token, nil), 409)
}
