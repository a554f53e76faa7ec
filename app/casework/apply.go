package casework

import (
	"encoding/json"
	"slices"
	"time"

	"sunshine/app/errs"
)

// Request is an action as asked for: the action, the version the caller saw
// and the raw payload.
type Request struct {
	Action  Action
	Version int
	Payload map[string]json.RawMessage
	// Delegated lets the row's Delegates take the action (a service step
	// such as the hand-over when a specialist is disabled).
	Delegated bool
}

// Apply takes one action on c for actor. On success c is updated (status,
// version, registration, deadline) and the timeline event is returned; on
// failure c is unchanged. Errors: forbidden (role may not act), conflict
// (archived, wrong status — the message names the current status — or stale
// version), unprocessable (payload, with per-field messages), invalid
// (unknown action).
func Apply(c *Case, actor Actor, req Request, env Env) (*Event, error) {
	t, ok := Lookup(req.Action)
	if !ok {
		return nil, errs.Ef(errs.Invalid, "未知的操作：%s", req.Action)
	}
	if c.ReadOnly() {
		return nil, errs.Ef(errs.Conflict, "案件当前状态为「%s」，已归档的案件只能查看，不能再修改", c.Status.Label())
	}
	if !t.Allows(actor.Role) && !(req.Delegated && slices.Contains(t.Delegates, actor.Role)) {
		return nil, errs.Ef(errs.Forbidden, "%s无权执行「%s」", actor.Role.Label(), t.Label)
	}
	if !t.AllowedFrom(c.Status) {
		return nil, errs.Ef(errs.Conflict, "案件当前状态为「%s」，不能执行「%s」", c.Status.Label(), t.Label)
	}
	if t.Guard != nil {
		if msg := t.Guard(c); msg != "" {
			return nil, errs.E(errs.Conflict, msg)
		}
	}
	if req.Version != c.Version {
		return nil, errs.Ef(errs.Conflict, "案件已被他人更新（当前版本 %d），请刷新后重试", c.Version)
	}
	p, bad := ParsePayload(t.Fields, req.Payload)
	if len(bad) == 0 && t.Check != nil {
		for k, v := range t.Check(c, actor, p) {
			bad[k] = v
		}
	}
	if len(bad) == 0 && t.Specialist != "" {
		if env.Directory == nil {
			bad[t.Specialist] = "所选人员不是在岗的帮办代办专员"
		} else if _, ok := env.Directory.Specialist(p.ID(t.Specialist)); !ok {
			bad[t.Specialist] = "所选人员不是在岗的帮办代办专员"
		}
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}

	next := *c // work on a copy so that a failing effect leaves c untouched
	next.Registration = cloneRegistration(c.Registration)
	ev := map[string]any{}
	for k, v := range p {
		ev[k] = jsonValue(v)
	}
	if t.Effect != nil {
		if err := t.Effect(&next, actor, p, env, ev); err != nil {
			return nil, err
		}
	}
	to := t.To
	switch {
	case t.Target != nil:
		to = t.Target(&next, p)
	case to == "":
		to = c.Status
	}
	public := t.Public
	if t.PublicFlag != "" {
		public = p.Bool(t.PublicFlag)
	}
	from := c.Status
	next.Status, next.Version, next.UpdatedAt = to, c.Version+1, env.Now
	*c = next
	return &Event{
		CaseID: c.ID, Action: t.Action, FromStatus: from, Status: to, At: env.Now,
		ActorID: actor.ID, ActorRole: actor.Role, ActorName: actor.Name, Public: public, Payload: ev,
	}, nil
}

// NewCase validates a submitted form and returns the new case (status
// submitted, version 1) and its first timeline event. The number and ids are
// set by storage. Errors: unprocessable with per-field messages.
func NewCase(form Form, channel Channel, actor Actor, mode FormMode, now time.Time) (*Case, *Event, error) {
	bad := form.Validate(mode)
	if !channel.Valid() {
		bad["channel"] = "受理渠道无效"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, nil, err
	}
	e := form.Enterprise
	contact := e.Lead.Name + " " + e.Lead.Phone
	if e.Handler.Name != "" {
		contact = e.Handler.Name + " " + e.Handler.Phone
	}
	c := &Case{
		Channel: channel, Status: Submitted, Version: 1, Form: form, CreatedAt: now, UpdatedAt: now,
		Registration: Registration{Application: Application{
			At: now, Contact: trimSpace(contact), Record: "经" + channel.Label() + "提出申请：" + form.Entrustment.Matters,
		}},
	}
	if actor.Role.IsStaff() {
		c.Registration.Application.Handler = actor.Name
	}
	if actor.Role == RoleEnterprise {
		c.SubmitterID = actor.ID
	}
	ev := &Event{Action: ActionSubmit, Status: Submitted, At: now, ActorID: actor.ID, ActorRole: actor.Role,
		ActorName: actor.Name, Public: true, Payload: map[string]any{"channel": string(channel)}}
	return c, ev, nil
}

// Rate records the 事后评价 of a case: once, only for a served case (see
// Case.Rateable), score 1–5. A paper rating (source "paper", entered by a
// clerk) carries the scanned form's attachment id. It returns the timeline
// event and whether the head must follow up (score ≤ 2). Errors: conflict
// (wrong status, not served, already rated — also by the enterprise before a
// paper form), unprocessable (score, comment, missing scan).
func Rate(c *Case, actor Actor, score int, comment, source string, attachmentID int64, now time.Time) (*Event, bool, error) {
	if c.Rating != nil {
		return nil, false, errs.E(errs.Conflict, "该案件已评价，每个案件只能评价一次")
	}
	if !c.Rateable() {
		if !c.Served() && c.Status != Submitted && !Open(c.Status) {
			return nil, false, errs.Ef(errs.Conflict, "案件当前状态为「%s」，未经办结或终止的案件不能评价", c.Status.Label())
		}
		return nil, false, errs.Ef(errs.Conflict, "案件当前状态为「%s」，送达或终止后才能评价", c.Status.Label())
	}
	bad := map[string]string{}
	if source == "paper" && attachmentID <= 0 {
		bad["attachment_id"] = "录入纸质评价须附上扫描的纸质评价表"
	}
	if score < 1 || score > 5 {
		bad["score"] = "评分应为1到5之间的整数"
	}
	if len([]rune(comment)) > 500 {
		bad["comment"] = "评价内容不能超过500个字"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, false, err
	}
	c.Rating = &Rating{Score: score, Comment: trimSpace(comment), Source: source, At: now, RatedByID: actor.ID}
	if source == "paper" {
		c.Rating.AttachmentID = attachmentID
	}
	ev := &Event{CaseID: c.ID, Action: ActionRate, FromStatus: c.Status, Status: c.Status, At: now,
		ActorID: actor.ID, ActorRole: actor.Role, ActorName: actor.Name, Public: true,
		Payload: map[string]any{"score": score, "comment": c.Rating.Comment, "source": source}}
	return ev, score <= 2, nil
}
