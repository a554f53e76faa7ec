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

func checkSpecialist(c *Case, _ Actor, p Payload) map[string]string {
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

func checkHandover(c *Case, _ Actor, p Payload) map[string]string {
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

// targetSignOff: 办结 → completed; 终止 and 其他 → terminated.
func targetSignOff(c *Case, _ Payload) Status {
	if c.Registration.Closure.Result == "completed" {
		return Completed
	}
	return Terminated
}

func effectSignOff(c *Case, a Actor, p Payload, env Env, ev map[string]any) error {
	cl := &c.Registration.Closure
	now := env.Now
	cl.Opinion, cl.Head, cl.SignedAt = p.Str("opinion"), a.Name, &now
	ev["result"], ev["explanation"] = cl.Result, cl.Explanation
	return nil
}

// checkWithdraw: after assignment the enterprise must say why it withdraws.
func checkWithdraw(c *Case, _ Actor, p Payload) map[string]string {
	if c.SpecialistID != 0 && p.Str("reason") == "" {
		return map[string]string{"reason": "案件已交办专员办理，撤回须填写撤回原因"}
	}
	return nil
}

// effectWithdraw records the withdrawal and stops the clock.
func effectWithdraw(c *Case, a Actor, p Payload, env Env, ev map[string]any) error {
	c.Registration.Withdrawal = &Withdrawal{At: env.Now, Reason: p.Str("reason"), By: a.Name, From: c.Status}
	ev["specialist_id"] = c.SpecialistID
	return nil
}

func guardHasSpecialist(c *Case) string {
	if c.SpecialistID == 0 {
		return "案件尚未交办专员，不能改派"
	}
	return ""
}

func effectReassign(c *Case, a Actor, p Payload, env Env, ev map[string]any) error {
	ev["previous_specialist_id"] = c.SpecialistID
	return effectAssignSpecialist(c, a, p, env, ev)
}

// HoldsMaterials reports whether the center still holds materials the
// enterprise handed over (材料交接) that were not returned by a delivery.
func (c *Case) HoldsMaterials() bool {
	return len(c.Registration.Assignment.Handover) > 0 && c.Registration.Delivery.At == nil
}

// guardDeliver: a withdrawn case is delivered (its materials returned)
// only when it had been assigned; a case is delivered once.
func guardDeliver(c *Case) string {
	if c.Registration.Delivery.At != nil {
		return "该案件已送达"
	}
	if c.Status == Withdrawn && c.SpecialistID == 0 {
		return "案件撤回时尚未交办，无需送达"
	}
	return ""
}

// guardMaterialsReturned: materials handed over for a 代办 case go back to
// the enterprise before the case is archived.
func guardMaterialsReturned(c *Case) string {
	if c.HoldsMaterials() {
		return "企业交接的材料尚未退还，请先送达（退还材料）后再提交归档"
	}
	return ""
}

// checkConfirm: a specialist recording receipt gives the tracking proof.
func checkConfirm(_ *Case, a Actor, p Payload) map[string]string {
	if a.Role == RoleSpecialist && p.Str("proof") == "" && p.ID("attachment_id") == 0 {
		return map[string]string{"proof": "由专员登记签收须提供快递签收凭证（签收记录或附件）"}
	}
	return nil
}

func checkDeliver(_ *Case, _ Actor, p Payload) map[string]string {
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
	d.Returned = c.Status != Completed
	if d.Method == "in_person" {
		d.ConfirmedAt, d.ConfirmedBy = &now, d.SignedBy
	}
	ev["result"], ev["returned"] = c.Registration.Closure.Result, d.Returned
	return nil
}

func effectConfirm(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	now := env.Now
	d := &c.Registration.Delivery
	d.ConfirmedAt, d.ConfirmedBy = &now, a.Name
	d.Proof, d.ProofAttachment = p.Str("proof"), p.ID("attachment_id")
	return nil
}

// effectSubmitArchive is 提交: the specialist hands the file in.
func effectSubmitArchive(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	ar := &c.Registration.Archive
	now := env.Now
	ar.SubmittedAt, ar.SubmittedBy, ar.Materials = &now, a.Name, p.List("materials")
	return nil
}

// effectArchive is 归档: a clerk or the head files it.
func effectArchive(c *Case, a Actor, p Payload, env Env, _ map[string]any) error {
	ar := &c.Registration.Archive
	now := env.Now
	by := p.Str("archived_by")
	if by == "" {
		by = a.Name
	}
	ar.Checked, ar.At, ar.By = p.List("materials"), &now, by
	return nil
}

func cloneRegistration(r Registration) Registration {
	r.Coordination = append([]Coordinate(nil), r.Coordination...)
	if r.Withdrawal != nil {
		w := *r.Withdrawal
		r.Withdrawal = &w
	}
	return r
}

func trimSpace(s string) string { return strings.TrimSpace(s) }
