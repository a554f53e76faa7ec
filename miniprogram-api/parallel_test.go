package mpapi_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

// TestParallelRequests hits the handlers from many goroutines at once
// (run with -race): Fiber reuses request memory, so any value kept past a
// handler would show up here as a race or a wrong answer.
func TestParallelRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type owned struct {
		u  *user
		id int64
	}
	var all []owned
	for i := 0; i < 4; i++ {
		u := e.login(fmt.Sprintf("par%d", i))
		code := creditCode(60 + i)
		must(t, e.bind(u, code, fmt.Sprintf("并发公司%d", i), ""), 200)
		c := e.submit(u, code, fmt.Sprintf("并发项目%d", i))
		all = append(all, owned{u, c.ID})
	}
	var wg sync.WaitGroup
	errc := make(chan string, 400)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				o := all[(w+i)%len(all)]
				other := all[(w+i+1)%len(all)]
				switch i % 4 {
				case 0:
					r := e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", o.id), o.u.Token, nil)
					var c caseOut
					if json.Unmarshal(r.Body, &c) != nil || r.Status != 200 || c.ID != o.id {
						errc <- fmt.Sprintf("get %d: %d %s", o.id, r.Status, r.Body)
					}
				case 1:
					if r := e.call("GET", fmt.Sprintf("/api/mp/v1/cases/%d", other.id), o.u.Token, nil); r.Status != 404 {
						errc <- fmt.Sprintf("foreign get: %d", r.Status)
					}
				case 2:
					key := fmt.Sprintf("w%d-i%d", w, i)
					r := e.call("POST", "/api/mp/v1/cases", o.u.Token, form(creditCode(60+(w+i)%len(all)), key), "Idempotency-Key", key)
					var c caseOut
					if json.Unmarshal(r.Body, &c) != nil || r.Status != 201 {
						errc <- fmt.Sprintf("post: %d %s", r.Status, r.Body)
					}
				case 3:
					r := e.call("GET", "/api/mp/v1/me", o.u.Token, nil)
					var m struct{ ID int64 }
					if json.Unmarshal(r.Body, &m) != nil || m.ID != o.u.ID {
						errc <- fmt.Sprintf("me: %s", r.Body)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for msg := range errc {
		t.Error(msg)
	}
}
