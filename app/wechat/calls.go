package wechat

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// CallError counts the failed WeChat calls of one API and errcode.
type CallError struct {
	API     string // the request path, e.g. /cgi-bin/message/subscribe/send
	ErrCode string // WeChat's errcode, "http_<status>" or "transport"
	Count   int64
}

// callStats counts failed calls, for the metrics.
type callStats struct {
	mu sync.Mutex
	n  map[[2]string]int64
}

func (s *callStats) add(api, code string) {
	s.mu.Lock()
	if s.n == nil {
		s.n = map[[2]string]int64{}
	}
	s.n[[2]string{api, code}]++
	s.mu.Unlock()
}

// observing is the transport of the SDK's HTTP client: it reads WeChat's
// errcode from every JSON answer (they are small) and counts the failures.
type observing struct {
	next  http.RoundTripper
	stats *callStats
}

func (o observing) RoundTrip(req *http.Request) (*http.Response, error) {
	api := req.URL.Path
	resp, err := o.next.RoundTrip(req)
	if err != nil {
		o.stats.add(api, "transport")
		return nil, err
	}
	if resp.StatusCode >= 400 {
		o.stats.add(api, "http_"+strconv.Itoa(resp.StatusCode))
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		o.stats.add(api, "transport")
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		ErrCode *int `json:"errcode"`
	}
	if json.Unmarshal(body, &answer) == nil && answer.ErrCode != nil && *answer.ErrCode != 0 {
		o.stats.add(api, strconv.Itoa(*answer.ErrCode))
	}
	return resp, nil
}

// CallErrors returns the failed calls this client made, by API and errcode.
func (c *Client) CallErrors() []CallError {
	c.calls.mu.Lock()
	defer c.calls.mu.Unlock()
	out := make([]CallError, 0, len(c.calls.n))
	for k, n := range c.calls.n {
		out = append(out, CallError{API: k[0], ErrCode: k[1], Count: n})
	}
	return out
}
