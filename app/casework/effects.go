package casework

import "strings"

// The effects record each action on the 工作登记表 and keep the deadline.

func targetSupplement(c *Case, _ Payload) Status {
	if c.AcceptedAt == nil {
		return Submitted
	}
	return Reviewing
}

func effectAccept(c *Case, a Actor, p Payload, env Env, ev map[string]any) error {
	c.ServiceType = p.Str("service_type")
	c.Scope = p.Str("scope")
	if c.Scope == "" {
		c.Scope = "coordination"
	}
	c.PromisedDays = p.Int("promised_days")
	if c.PromisedDays == 0 {
		c.PromisedDays = DefaultPromisedDays
	}
	now := env.Now
	c.AcceptedAt = &now
	c.Deadline = env.addDays(DateOf(now), c.PromisedDays)
	if c.Registration.Application.Handler == "" {
		c.Registration.Application.Handler = a.Name
	}
	ev["promised_days"], ev["deadline"] = c.PromisedDays, c.Deadline
	return nil
}

func effectPassReview(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	r := &c.Registration.Review
	now := env.Now
	r.At, r.Content, r.Materials, r.Opinion, r.Handler = &now, p.Str("content"), p.List("materials"), p.Str("opinion"), a.Name
	return nil
}

func checkSpecialist(c *Case, p Payload) map[string]string {
	if p.ID("specialist_id") == c.SpecialistID {
		return map[string]string{"specialist_id": "该专员已负责此案件"}
	}
	return nil
}

func effectAssign(c *Case, a Actor, p Payload, env Env, ev map[string]any) error {
	r := &c.Registration.Review
	meeting := env.Now
	if t := p.Time("meeting_at"); t != nil {
		meeting = *t
	}
	r.MeetingAt, r.MeetingOpinion, r.Head = &meeting, p.Str("opinion"), a.Name
	as := &c.Registration.Assignment
	now := env.Now
	as.At, as.By, as.Materials = &now, a.Name, p.List("materials")
	return effectAssignSpecialist(c, a, p, env, ev)
}

func effectAssignSpecialist(c *Case, _ Actor, p Payload, env Env, ev map[string]any) error {
	name, _ := env.Directory.Specialist(p.ID("specialist_id"))
	c.SpecialistID, c.Specialist = p.ID("specialist_id"), name
	c.Registration.Assignment.Specialist = name
	ev["specialist"] = name
	return nil
}

func checkHandover(c *Case, p Payload) map[string]string {
	if c.ServiceType == "agency" && len(p.List("handover")) == 0 {
		return map[string]string{"handover": "代办须先完成材料交接，请填写材料交接清单"}
	}
	return nil
}

func effectStart(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	as := &c.Registration.Assignment
	now := env.Now
	as.Receiver, as.Handover, as.StartedAt = a.Name, p.List("handover"), &now
	return nil
}

func effectCoordinate(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	c.Registration.Coordination = append(c.Registration.Coordination, Coordinate{
		Level: p.Str("level"), At: env.Now, Matter: p.Str("matter"), Departments: p.List("departments"),
		MeetingAt: p.Time("meeting_at"), Outcome: p.Str("outcome"), By: a.Name,
	})
	return nil
}

// effectSuspend stops the clock: the working days left are kept.
func effectSuspend(c *Case, _ Actor, _ Payload, env Env, ev map[string]any) error {
	if c.Deadline == "" || c.RemainingDays != nil {
		return nil // never accepted (no deadline yet), or already stopped
	}
	left := 0
	if d, err := ParseDate(c.Deadline); err == nil {
		left = env.Days.WorkingDaysBetween(env.today(), d)
	}
	c.RemainingDays = &left
	ev["remaining_days"], ev["deadline_before"] = left, c.Deadline
	return nil
}

// effectResume restarts the clock from today with the days that were left.
func effectResume(c *Case, _ Actor, _ Payload, env Env, ev map[string]any) error {
	if c.RemainingDays == nil {
		return nil // the clock was not stopped
	}
	left := 0
	if c.RemainingDays != nil {
		left = *c.RemainingDays
	}
	ev["deadline_before"] = c.Deadline
	c.Deadline = DateOf(env.Days.AddWorkingDays(env.today(), left))
	c.RemainingDays = nil
	ev["deadline"] = c.Deadline
	return nil
}

func effectExtend(c *Case, _ Actor, p Payload, env Env, ev map[string]any) error {
	days := p.Int("days")
	ev["deadline_before"] = c.Deadline
	c.Deadline = env.addDays(c.Deadline, days)
	if c.RemainingDays != nil {
		left := *c.RemainingDays + days
		c.RemainingDays = &left
	}
	c.PromisedDays += days
	ev["deadline"] = c.Deadline
	return nil
}

func effectProposeClose(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	cl := &c.Registration.Closure
	now := env.Now
	cl.Result, cl.Explanation, cl.By, cl.At = p.Str("result"), p.Str("explanation"), a.Name, &now
	return nil
}

func targetSignOff(c *Case, _ Payload) Status {
	if c.Registration.Closure.Result == "terminated" {
		return Terminated
	}
	return Completed
}

func effectSignOff(c *Case, a Actor, p Payload, env Env, ev map[string]any) error {
	cl := &c.Registration.Closure
	now := env.Now
	cl.Opinion, cl.Head, cl.SignedAt = p.Str("opinion"), a.Name, &now
	ev["result"] = cl.Result
	return nil
}

func checkDeliver(_ *Case, p Payload) map[string]string {
	switch p.Str("method") {
	case "mail":
		if p.Str("tracking_no") == "" {
			return map[string]string{"tracking_no": "邮寄送达须填写邮寄单号"}
		}
	case "in_person":
		if p.Str("signed_by") == "" {
			return map[string]string{"signed_by": "当面递交须填写签收人"}
		}
	}
	return nil
}

func targetDeliver(_ *Case, p Payload) Status {
	if p.Str("method") == "mail" {
		return Delivering
	}
	return Delivered
}

func effectDeliver(c *Case, _ Actor, p Payload, env Env, ev map[string]any) error {
	d := &c.Registration.Delivery
	now := env.Now
	d.Method, d.TrackingNo, d.SignedBy, d.At = p.Str("method"), p.Str("tracking_no"), p.Str("signed_by"), &now
	if d.Method == "in_person" {
		d.ConfirmedAt, d.ConfirmedBy = &now, d.SignedBy
	}
	ev["result"] = c.Registration.Closure.Result
	return nil
}

func effectConfirm(c *Case, a Actor, _ Payload, env Env, _ map[string]any) error {
	now := env.Now
	c.Registration.Delivery.ConfirmedAt, c.Registration.Delivery.ConfirmedBy = &now, a.Name
	return nil
}

func effectArchive(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	ar := &c.Registration.Archive
	now := env.Now
	by := p.Str("archived_by")
	if by == "" {
		by = a.Name
	}
	ar.SubmittedAt, ar.SubmittedBy, ar.Materials, ar.At, ar.By = &now, a.Name, p.List("materials"), &now, by
	return nil
}

func cloneRegistration(r Registration) Registration {
	r.Coordination = append([]Coordinate(nil), r.Coordination...)
	return r
}

func trimSpace(s string) string { return strings.TrimSpace(s) }
