package main

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"sunshine/app/files"
	"sunshine/app/hotline"
	"sunshine/app/matters"
	"sunshine/app/members"
	"sunshine/app/notify"
	"sunshine/app/session"
	"sunshine/app/stats"
	"sunshine/app/wechat"
	mpapi "sunshine/miniprogram-api"
	"sunshine/portal/staffapi"
)

// mountSurfaces mounts the HTTP surfaces (portal, staff API, hotline,
// mini-program API) on root and starts their background workers until ctx
// ends; the returned function waits for the workers to stop.
func mountSurfaces(ctx context.Context, root *fiber.App, d *deps) (func(), error) {
	fs, err := files.New(files.Options{Dir: d.cfg.FilesDir(), Key: d.cfg.AttachmentKey, MaxBytes: int64(d.cfg.MaxUploadMB) << 20,
		Store: d.db.Attachments(), Cases: d.cases, Audit: d.db.Audit(), Log: d.log})
	if err != nil {
		return nil, err
	}
	hl, err := hotline.New(d.cfg.HotlineSecret, d.cases, d.db.Cases(), d.db.Audit(), nil, d.log)
	if err != nil {
		return nil, err
	}
	hl.GuardReplays(d.kv, "")
	mp, err := newMiniProgram(d, fs)
	if err != nil {
		return nil, err
	}
	wait := mp.notify.Start(ctx) // delivery worker and reminder scanner
	// Mounted first: the app mounted last at "/" handles Fiber's own errors
	// (unknown routes …) for every path, and the portal's handler also
	// renders its HTML pages; the mini-program surface answers its own
	// errors inside its handlers, so it keeps its format either way.
	root.Mount("/", mp.app)
	root.Mount("/", staffapi.New(staffapi.Deps{
		Log: d.log, Cases: d.cases, Staff: d.db.Staff(), Sessions: session.NewStore(d.kv, nil),
		Audit: d.db.Audit(), KV: d.kv, Calendar: d.calendar, Holidays: d.db.Holidays(),
		Consultations: d.db.Consultations(), Followups: d.db.Followups(),
		BodyLimit: (d.cfg.MaxUploadMB + 1) << 20, HotlineSecret: d.cfg.HotlineSecret,
		Files: fs, Hotline: hl, Matters: matters.New(d.db.Matters(), d.cases, d.db.Audit(), nil, d.log),
		Members: mp.members, Notify: mp.notify,
		Stats: stats.New(d.db.Stats(), d.calendar, d.db.Audit(), nil, d.log),
	}))
	return wait, nil
}

// miniProgram is the mini-program surface and the services behind it.
type miniProgram struct {
	app     *fiber.App
	members *members.Service
	wechat  *wechat.Client
	sim     *wechat.Simulator // nil in live mode
	notify  *notify.Service
}

// newMiniProgram builds the WeChat client (with the simulator in simulator
// mode: NewClient installs its HTTP client as the SDK's process-wide
// util.DefaultHTTPClient, so this is the one Client of the process) and the
// mini-program surface with /wechat/push and, in simulator mode only,
// /dev/wechat (the simulator refuses to exist in production).
func newMiniProgram(d *deps, fs *files.Service) (*miniProgram, error) {
	w := d.cfg.WeChat
	env := wechat.EnvDevelopment
	if d.cfg.Production() {
		env = wechat.EnvProduction
	}
	templates, err := notify.ParseTemplates(w.Templates, w.Mode == wechat.ModeSimulator)
	if err != nil {
		return nil, err
	}
	wcfg := wechat.Config{Env: env, Mode: w.Mode, MiniProgramState: w.MiniProgramEnv, HTTPTimeout: w.HTTPTimeout,
		MiniProgram:     wechat.AppCredentials{AppID: w.MPAppID, AppSecret: w.MPAppSecret},
		OfficialAccount: wechat.AppCredentials{AppID: w.OAAppID, AppSecret: w.OAAppSecret},
		Work:            wechat.WorkConfig{CorpID: w.WorkCorpID, AgentID: w.WorkAgentID, Secret: w.WorkSecret},
		PushToken:       w.PushToken, PushEncodingAESKey: w.PushAESKey, SubscribeTemplates: templates.SubscribeIDs()}
	out := &miniProgram{}
	opts := []wechat.Option{wechat.WithLogger(d.log)}
	if w.Mode == wechat.ModeSimulator {
		if out.sim, err = wechat.NewSimulator(wcfg); err != nil {
			return nil, err
		}
		out.sim.SetWorkUserResolver(func(id string) bool { // Work WeChat knows the staff with a wecom id
			list, err := d.db.Staff().ListStaff(context.Background(), "")
			for _, s := range list {
				if err == nil && !s.Disabled && strings.EqualFold(s.WecomUserID, id) {
					return true
				}
			}
			return false
		})
		opts = append(opts, wechat.WithSimulator(out.sim))
	}
	if out.wechat, err = wechat.NewClient(wcfg, d.kv, opts...); err != nil {
		return nil, err
	}
	// The notification service: its hook writes the outbox rows of every
	// case action in the action's transaction; Start runs the delivery.
	out.notify = notify.New(notify.Deps{Store: d.db.Notifications(), Days: d.calendar, WeChat: out.wechat,
		Redis: d.kv, Audit: d.db.Audit(), Log: d.log}, notify.Options{Templates: templates,
		HotlineURL: d.cfg.HotlineCallbackURL, HotlineSecret: d.cfg.HotlineSecret, DeliveryRemindDays: d.cfg.DeliveryRemindDays})
	d.cases.OnEvent(out.notify.Hook)
	out.members = members.New(members.Deps{Store: d.db.Members(), Sessions: session.NewStore(d.kv, nil),
		WeChat: out.wechat, KV: d.kv, Cases: d.cases, Urged: out.notify, Log: d.log})
	out.app = mpapi.New(mpapi.Deps{Log: d.log, Members: out.members, Cases: d.cases, Staff: d.db.Staff(), Files: fs,
		Credits: out.notify.Credits(), Inbox: out.notify,
		Templates: wcfg.SubscribeTemplates, Push: wechat.NewPushVerifier(wcfg, d.kv), Recorder: d.db.Audit(),
		KV: d.kv, Simulator: out.sim, BodyLimit: (d.cfg.MaxUploadMB + 1) << 20})
	if out.sim != nil {
		// The simulator's signed pushes reach /wechat/push in process.
		out.sim.SetPushTarget(wechat.HandlerTarget(adaptor.FiberApp(out.app)))
	}
	return out, nil
}
