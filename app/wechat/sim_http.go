package wechat

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// Fault makes the simulator misbehave like WeChat on a bad day.
type Fault struct {
	Endpoint   string        // an Endpoint constant; "" = every endpoint
	ErrCode    int           // answer this errcode, e.g. -1, 45011, 40226
	ErrMsg     string        // errmsg for ErrCode (default: WeChat's usual text)
	HTTPStatus int           // answer this HTTP status instead, e.g. 500
	Delay      time.Duration // wait first (gives up when the caller's deadline passes)
	Times      int           // number of calls affected
	For        time.Duration // or: every call during this window (Times = 0)
}

type faultRule struct {
	Fault
	until time.Time // zero = no window
}

// Inject adds f. With neither Times nor For set, it affects the next call only.
// Rules are tried in the order they were added; the first live match wins.
func (s *Simulator) Inject(f Fault) {
	r := &faultRule{Fault: f}
	if f.Times == 0 && f.For == 0 {
		r.Times = 1
	}
	if f.For > 0 {
		r.until = time.Now().Add(f.For)
	}
	s.mu.Lock()
	s.faults = append(s.faults, r)
	s.mu.Unlock()
}

// ClearFaults removes every injected fault.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// takeFaultLocked returns the fault to apply to a call of endpoint, spending it.
func (s *Simulator) takeFaultLocked(endpoint string) *Fault {
	now := time.Now()
	live := s.faults[:0]
	var hit *Fault
	for _, r := range s.faults {
		if !r.until.IsZero() && now.After(r.until) {
			continue
		}
		if hit == nil && (r.Endpoint == "" || r.Endpoint == endpoint) {
			f := r.Fault
			hit = &f
			if r.Times > 0 {
				r.Times--
				if r.Times == 0 {
					continue
				}
			}
		}
		live = append(live, r)
	}
	s.faults = live
	return hit
}

var defaultErrMsg = map[int]string{
	CodeSystemBusy:  "system error",
	CodeRateLimited: "api minute-quota reach limit  mustslower  retry next minute",
	CodeForbidden:   "high risk user, login blocked",
}

type simHandler func(s *Simulator, r *http.Request, body []byte) any

type simRoute struct {
	endpoint string
	method   string
	handle   simHandler
}

var simRoutes = map[string]simRoute{
	APIHost + "/sns/jscode2session":              {EndpointCode2Session, http.MethodGet, (*Simulator).code2Session},
	APIHost + "/cgi-bin/token":                   {EndpointToken, http.MethodGet, (*Simulator).token},
	APIHost + "/cgi-bin/stable_token":            {EndpointStableToken, http.MethodPost, (*Simulator).stableToken},
	APIHost + "/wxa/business/getuserphonenumber": {EndpointPhoneNumber, http.MethodPost, (*Simulator).phoneNumber},
	APIHost + "/cgi-bin/message/subscribe/send":  {EndpointSubscribeSend, http.MethodPost, (*Simulator).subscribeSend},
	APIHost + "/cgi-bin/message/template/send":   {EndpointTemplateSend, http.MethodPost, (*Simulator).templateSend},
	APIHost + "/cgi-bin/user/info":               {EndpointUserInfo, http.MethodGet, (*Simulator).userInfo},
	APIHost + "/wxa/getwxacodeunlimit":           {EndpointWXACodeUnlimit, http.MethodPost, (*Simulator).wxacodeUnlimit},
	QYAPIHost + "/cgi-bin/gettoken":              {EndpointWorkToken, http.MethodGet, (*Simulator).workToken},
	QYAPIHost + "/cgi-bin/message/send":          {EndpointWorkSend, http.MethodPost, (*Simulator).workSend},
}

// ServeHTTP answers a WeChat API request. Requests for qyapi.weixin.qq.com go
// to the Work WeChat endpoints, anything else to api.weixin.qq.com's.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Hostname()
	if host == "" {
		host = r.Host
	}
	if host != QYAPIHost {
		host = APIHost
	}
	route, ok := simRoutes[host+r.URL.Path]
	if !ok {
		http.Error(w, "wechat simulator: endpoint not simulated", http.StatusNotFound)
		return
	}
	if r.Method != route.method {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	s.calls[route.endpoint]++
	fault := s.takeFaultLocked(route.endpoint)
	s.mu.Unlock()

	if fault != nil && fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the caller gave up; nothing was done
		}
	}
	var resp any
	switch {
	case fault != nil && fault.HTTPStatus != 0:
		http.Error(w, http.StatusText(fault.HTTPStatus), fault.HTTPStatus)
		return
	case fault != nil && fault.ErrCode != 0:
		msg := fault.ErrMsg
		if msg == "" {
			msg = defaultErrMsg[fault.ErrCode]
		}
		resp = errBody(fault.ErrCode, msg)
	default:
		var body []byte
		if r.Body != nil { // client-side GET requests carry no body
			var err error
			if body, err = io.ReadAll(io.LimitReader(r.Body, 1<<20)); err != nil {
				http.Error(w, "bad body", http.StatusBadRequest)
				return
			}
		}
		resp = route.handle(s, r, body)
	}
	if img, ok := resp.(simImage); ok {
		w.Header().Set("Content-Type", img.contentType)
		_, _ = w.Write(img.data)
		return
	}
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(resp)
}

type simErr struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func errBody(code int, msg string) simErr { return simErr{code, msg} }

// validName accepts the <name> part of sim-<name> codes.
func validName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	return strings.IndexFunc(name, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}
