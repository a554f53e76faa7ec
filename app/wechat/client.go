package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/miniprogram"
	"github.com/silenceper/wechat/v2/miniprogram/auth"
	mpconfig "github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/miniprogram/qrcode"
	"github.com/silenceper/wechat/v2/miniprogram/subscribe"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	oamessage "github.com/silenceper/wechat/v2/officialaccount/message"
	oauser "github.com/silenceper/wechat/v2/officialaccount/user"
	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work"
	workconfig "github.com/silenceper/wechat/v2/work/config"
	workmessage "github.com/silenceper/wechat/v2/work/message"
)

// Client makes every WeChat call of the application through the SDK.
// It is safe for concurrent use.
type Client struct {
	cfg   Config
	cache *RedisCache
	log   *slog.Logger
	hc    *http.Client

	auth      *auth.Auth           // nil when the mini-program is not configured
	subscribe *subscribe.Subscribe // nil when the mini-program is not configured
	qrcode    *qrcode.QRCode       // nil when the mini-program is not configured
	template  *oamessage.Template  // nil when the official account is not configured
	oaUser    *oauser.User         // nil when the official account is not configured
	workMsg   *workmessage.Client  // nil when Work WeChat is not configured

	tokenKeys map[channel]string
	calls     *callStats // failed calls by API and errcode (metrics)
}

type channel int

const (
	chanMini channel = iota
	chanOA
	chanWork
)

// Option adjusts NewClient.
type Option func(*clientOptions)

type clientOptions struct {
	sim *Simulator
	log *slog.Logger
}

// WithSimulator routes the client to sim; required in simulator mode.
func WithSimulator(sim *Simulator) Option { return func(o *clientOptions) { o.sim = sim } }

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *clientOptions) { o.log = l } }

// httpMu serialises installs of the SDK's process-wide HTTP client.
var httpMu sync.Mutex

// NewClient builds the client for cfg, caching access tokens in rdb.
//
// The SDK sends every request through the package variable
// util.DefaultHTTPClient, so NewClient replaces it (never mutating the old
// one) with a client that has cfg's timeout: in simulator mode the
// simulator's client, in live mode a client on a cloned default transport.
// One process therefore runs one Client (tests create them one after another).
func NewClient(cfg Config, rdb redis.UniversalClient, opts ...Option) (*Client, error) {
	var o clientOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	cfg = cfg.WithSimulatorDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rdb == nil {
		return nil, errors.New("wechat: a Redis client is required for the token cache")
	}
	var hc *http.Client
	switch {
	case cfg.Mode == ModeSimulator && o.sim == nil:
		return nil, errors.New("wechat: simulator mode needs WithSimulator")
	case cfg.Mode == ModeSimulator:
		hc = o.sim.HTTPClient()
	case o.sim != nil:
		return nil, errors.New("wechat: a simulator was given in live mode")
	default:
		tr := http.DefaultTransport.(*http.Transport).Clone()
		hc = &http.Client{Timeout: cfg.httpTimeout(), Transport: tr}
	}
	calls := &callStats{}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc = &http.Client{Timeout: hc.Timeout, Transport: observing{next: next, stats: calls}}
	c := &Client{
		calls:     calls,
		cfg:       cfg,
		cache:     NewRedisCache(rdb, cfg.keyPrefix()+"token:", o.log),
		log:       o.log,
		hc:        hc,
		tokenKeys: map[channel]string{},
	}
	c.build()
	httpMu.Lock()
	util.DefaultHTTPClient = hc
	httpMu.Unlock()
	return c, nil
}

// Install makes c's HTTP client the SDK's process-wide client again. A
// process that built several clients one after another (tests: a shared
// client, then a service of their own) calls it before using an earlier one,
// or the SDK would still send through the client built last.
func (c *Client) Install() {
	httpMu.Lock()
	util.DefaultHTTPClient = c.hc
	httpMu.Unlock()
}

// build constructs the SDK objects once: their lazy getters are not safe for
// concurrent use.
func (c *Client) build() {
	cfg := c.cfg
	if cfg.MiniProgram.AppID != "" {
		mp := miniprogram.NewMiniProgram(&mpconfig.Config{
			AppID: cfg.MiniProgram.AppID, AppSecret: cfg.MiniProgram.AppSecret,
			Cache: c.cache, UseStableAK: true,
		})
		c.auth = auth.NewAuth(mp.GetContext())
		c.subscribe = subscribe.NewSubscribe(mp.GetContext())
		c.qrcode = qrcode.NewQRCode(mp.GetContext())
		c.tokenKeys[chanMini] = fmt.Sprintf("%s_stable_access_token_%s", credential.CacheKeyMiniProgramPrefix, cfg.MiniProgram.AppID)
	}
	if cfg.OfficialAccount.AppID != "" {
		oa := officialaccount.NewOfficialAccount(&oaconfig.Config{
			AppID: cfg.OfficialAccount.AppID, AppSecret: cfg.OfficialAccount.AppSecret,
			Cache: c.cache, UseStableAK: true,
		})
		c.template = oamessage.NewTemplate(oa.GetContext())
		c.oaUser = oauser.NewUser(oa.GetContext())
		c.tokenKeys[chanOA] = fmt.Sprintf("%s_stable_access_token_%s", credential.CacheKeyOfficialAccountPrefix, cfg.OfficialAccount.AppID)
	}
	if cfg.Work.CorpID != "" {
		wk := work.NewWork(&workconfig.Config{
			CorpID: cfg.Work.CorpID, CorpSecret: cfg.Work.Secret, AgentID: cfg.Work.AgentID, Cache: c.cache,
		})
		c.workMsg = workmessage.NewClient(wk.GetContext())
		c.tokenKeys[chanWork] = fmt.Sprintf("%s_access_token_%s_%s", credential.CacheKeyWorkPrefix, cfg.Work.CorpID, cfg.Work.AgentID)
	}
}

// Config returns the effective configuration (simulator defaults applied).
func (c *Client) Config() Config { return c.cfg }

// HTTPClient returns the client the SDK uses (the simulator's in simulator mode).
func (c *Client) HTTPClient() *http.Client { return c.hc }

// withToken runs call; when WeChat rejects the access token (40001, 40014,
// 42001) it drops the shared cached token and runs call once more. A rejected
// token means the request was not executed, so the retry cannot double-send.
func (c *Client) withToken(ctx context.Context, op string, ch channel, call func() error) error {
	if err := ctx.Err(); err != nil {
		return wrapErr(op, err)
	}
	err := wrapErr(op, call())
	if !isTokenRejected(err) {
		return err
	}
	c.log.InfoContext(ctx, "wechat access token rejected; refreshing once", "op", op, "errcode", CodeOf(err))
	if derr := c.cache.DeleteContext(ctx, c.tokenKeys[ch]); derr != nil {
		c.log.WarnContext(ctx, "wechat token drop failed", "op", op, "err", derr)
	}
	if err := ctx.Err(); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, call())
}

func notConfigured(op, what string) error {
	return &Error{Op: op, Msg: what + " not configured", cause: ErrNotConfigured}
}
