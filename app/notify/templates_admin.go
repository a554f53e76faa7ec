package notify

import (
	"context"
	"log/slog"
	"maps"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// The template channels an admin edits.
const (
	TemplateSubscribe = "subscribe" // mini-program subscribe message
	TemplateOfficial  = "official"  // official-account template message
)

// TemplateOverride is the admin's template of one event and channel; an
// empty ID switches the channel off for the event (the notice falls back
// to the next channel).
type TemplateOverride struct {
	Event     string
	Channel   string // TemplateSubscribe or TemplateOfficial
	ID        string
	Fields    []Field // nil: the event's default layout
	UpdatedBy string
	UpdatedAt time.Time
}

// TemplateStore keeps the admin's overrides. Implemented by storage.
type TemplateStore interface {
	// TemplateOverrides lists every override.
	TemplateOverrides(ctx context.Context) ([]TemplateOverride, error)
	// SaveTemplateOverride inserts or replaces one override and stores the
	// audit record in the same transaction.
	SaveTemplateOverride(ctx context.Context, o TemplateOverride, rec *audit.Record) error
	// DeleteTemplateOverride removes one override (back to the
	// configuration) with its audit record. Deleting none is not an error.
	DeleteTemplateOverride(ctx context.Context, event, channel string, rec *audit.Record) error
}

// Apply makes the overrides effective on top of the configuration's
// templates (the base, kept from the first call on).
func (t *Templates) Apply(overrides []TemplateOverride) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.baseSub == nil {
		t.baseSub, t.baseOA = maps.Clone(t.subscribe), maps.Clone(t.official)
	}
	sub, oa := maps.Clone(t.baseSub), maps.Clone(t.baseOA)
	for _, o := range overrides {
		def, ok := enterpriseEvents[o.Event]
		if !ok {
			continue
		}
		target := sub
		if o.Channel == TemplateOfficial {
			target = oa
		}
		if o.ID == "" {
			delete(target, o.Event)
			continue
		}
		fields := o.Fields
		if len(fields) == 0 {
			fields = def.fields
		}
		target[o.Event] = Template{ID: o.ID, Fields: fields}
	}
	t.subscribe, t.official = sub, oa
}

// TemplateView is one event and channel as the admin sees it.
type TemplateView struct {
	Event     string
	Channel   string
	ID        string  // in effect ("" when the channel is off)
	Fields    []Field // in effect
	BaseID    string  // from the configuration
	Override  bool    // the admin has set it
	UpdatedBy string
	UpdatedAt time.Time
}

// TemplateAdmin lets the admin read and edit the WeChat template ids per
// event at run time. Every instance reloads the overrides (Reload, called
// periodically by the composition root), so an edit takes effect
// everywhere without a restart.
type TemplateAdmin struct {
	store     TemplateStore
	templates *Templates
	trail     audit.Store
	now       func() time.Time
	log       *slog.Logger
}

// NewTemplateAdmin builds the template administration over the templates
// the notification service uses.
func NewTemplateAdmin(store TemplateStore, templates *Templates, trail audit.Store, now func() time.Time, log *slog.Logger) *TemplateAdmin {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &TemplateAdmin{store: store, templates: templates, trail: trail, now: now, log: log}
}

// Reload reads the overrides and applies them.
func (a *TemplateAdmin) Reload(ctx context.Context) error {
	list, err := a.store.TemplateOverrides(ctx)
	if err != nil {
		return err
	}
	a.templates.Apply(list)
	return nil
}

func (a *TemplateAdmin) allow(ctx context.Context, v casework.Actor, action, object string) error {
	if v.Role == casework.RoleAdmin {
		return nil
	}
	if err := a.trail.Append(ctx, a.record(ctx, v, action, object, audit.Denied, "role")); err != nil {
		a.log.Error("audit write failed", "action", action, "err", err)
	}
	return errs.E(errs.Forbidden, "只有系统管理员可以管理消息模板")
}

func (a *TemplateAdmin) record(ctx context.Context, v casework.Actor, action, object, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "template", ObjectID: object, Result: result, Detail: detail}
	audit.Fill(ctx, r, a.now())
	return r
}

// List shows every event with a template and both channels: what is in
// effect, what the configuration says, who changed it (admin only; read
// from the database, so it shows edits made on other instances too).
// Errors: forbidden.
func (a *TemplateAdmin) List(ctx context.Context, v casework.Actor) ([]TemplateView, error) {
	if err := a.allow(ctx, v, "template.list", ""); err != nil {
		return nil, err
	}
	overrides, err := a.store.TemplateOverrides(ctx)
	if err != nil {
		return nil, err
	}
	a.templates.Apply(overrides)
	byKey := map[string]TemplateOverride{}
	for _, o := range overrides {
		byKey[o.Event+"/"+o.Channel] = o
	}
	a.templates.mu.RLock()
	defer a.templates.mu.RUnlock()
	var out []TemplateView
	for _, ev := range TemplateEvents() {
		for _, ch := range []string{TemplateSubscribe, TemplateOfficial} {
			cur, base := a.templates.subscribe, a.templates.baseSub
			if ch == TemplateOfficial {
				cur, base = a.templates.official, a.templates.baseOA
			}
			v := TemplateView{Event: ev, Channel: ch, ID: cur[ev].ID, Fields: cur[ev].Fields, BaseID: base[ev].ID}
			if o, ok := byKey[ev+"/"+ch]; ok {
				v.Override, v.UpdatedBy, v.UpdatedAt = true, o.UpdatedBy, o.UpdatedAt
			}
			out = append(out, v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Event < out[j].Event })
	return out, nil
}

// Set sets the template of an event and channel (admin only): id "" turns
// the channel off for the event; fields "" keeps the event's layout,
// otherwise "thing1=project,phrase2=status". Errors: forbidden,
// not_found (event), unprocessable (channel, id, fields).
func (a *TemplateAdmin) Set(ctx context.Context, v casework.Actor, event, channel, id, fields string) error {
	object := event + "/" + channel
	if err := a.allow(ctx, v, "template.set", object); err != nil {
		return err
	}
	if _, ok := enterpriseEvents[event]; !ok {
		return errs.E(errs.NotFound, "没有这个通知事件")
	}
	bad := map[string]string{}
	if channel != TemplateSubscribe && channel != TemplateOfficial {
		bad["channel"] = "渠道只能是 subscribe（小程序订阅消息）或 official（公众号模板消息）"
	}
	id, fields = strings.TrimSpace(id), strings.TrimSpace(fields)
	if utf8.RuneCountInString(id) > 128 || strings.ContainsAny(id, " \t\r\n|,") {
		bad["template_id"] = "模板ID不能超过128个字符，且不能包含空格、竖线或逗号"
	}
	var parsed []Field
	if fields != "" {
		var err error
		if len(fields) > 1000 {
			bad["fields"] = "字段设置过长"
		} else if parsed, err = parseFields(fields); err != nil {
			bad["fields"] = "字段设置应为 关键词=来源，以逗号分隔，来源可选：" + strings.Join(Sources, "、")
		}
	}
	if err := errs.FieldErrors(bad); err != nil {
		return err
	}
	o := TemplateOverride{Event: event, Channel: channel, ID: id, Fields: parsed, UpdatedBy: v.Name, UpdatedAt: a.now()}
	detail := "id=" + id
	if fields != "" {
		detail += " fields=" + fields
	}
	if err := a.store.SaveTemplateOverride(ctx, o, a.record(ctx, v, "template.set", object, audit.OK, detail)); err != nil {
		return err
	}
	return a.Reload(ctx)
}

// Reset removes the admin's override of an event and channel: the
// configuration's template applies again. Errors: forbidden, not_found
// (event), unprocessable (channel).
func (a *TemplateAdmin) Reset(ctx context.Context, v casework.Actor, event, channel string) error {
	object := event + "/" + channel
	if err := a.allow(ctx, v, "template.reset", object); err != nil {
		return err
	}
	if _, ok := enterpriseEvents[event]; !ok {
		return errs.E(errs.NotFound, "没有这个通知事件")
	}
	if channel != TemplateSubscribe && channel != TemplateOfficial {
		return errs.FieldErrors(map[string]string{"channel": "渠道只能是 subscribe 或 official"})
	}
	if err := a.store.DeleteTemplateOverride(ctx, event, channel, a.record(ctx, v, "template.reset", object, audit.OK, "")); err != nil {
		return err
	}
	return a.Reload(ctx)
}

// FormatFields writes a layout as "thing1=project,phrase2=status".
func FormatFields(fields []Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Key + "=" + f.Source
	}
	return strings.Join(parts, ",")
}
