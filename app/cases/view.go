package cases

import (
	"context"
	"strconv"
	"strings"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// View says how much of a case a reader gets (SPEC §6: each role sees what
// its work needs). The case service redacts the Detail itself, so no
// surface can show more than the view allows.
type View string

// Views of a case.
const (
	// ViewFull: the whole case; for staff, phone numbers masked.
	ViewFull View = "full"
	// ViewMatter: a liaison's view — project, enterprise name, status and
	// deadline; the matters themselves come from package matters.
	ViewMatter View = "matter"
	// ViewArchive: a specialist's view of a never-assigned rejected or
	// withdrawn case in the archiving pool — what archiving needs.
	ViewArchive View = "archive_pool"
)

// viewOf decides the view of a case the viewer may see.
func viewOf(v Viewer, c *casework.Case) View {
	switch {
	case v.Role == casework.RoleLiaison:
		return ViewMatter
	case v.Role == casework.RoleSpecialist && c.SpecialistID != v.ID:
		return ViewArchive
	}
	return ViewFull
}

// redact cuts d down to its view and masks the phone numbers staff read.
func redact(d *Detail, v Viewer) {
	c := d.Case
	if v.Role == casework.RoleEnterprise {
		return // the enterprise's own application
	}
	f := c.Form
	switch d.View {
	case ViewMatter:
		c.Form = casework.Form{}
		c.Form.Enterprise.Name, c.Form.Project.Name = f.Enterprise.Name, f.Project.Name
		c.Registration = casework.Registration{}
		c.Rating = nil
		// Their own records only: the others' notes are internal.
		tl := []casework.Event{}
		for _, ev := range d.Timeline {
			if ev.ActorRole == casework.RoleLiaison && ev.ActorID == v.ID {
				tl = append(tl, ev)
			}
		}
		d.Timeline = tl
		return
	case ViewArchive:
		c.Form = casework.Form{}
		c.Form.Enterprise.Name, c.Form.Enterprise.CreditCode = f.Enterprise.Name, f.Enterprise.CreditCode
		c.Form.Project.Name, c.Form.Project.Code = f.Project.Name, f.Project.Code
		c.Registration = casework.Registration{Archive: c.Registration.Archive}
		c.Rating = nil
		tl := make([]casework.Event, 0, len(d.Timeline))
		for _, ev := range d.Timeline {
			if !ev.Public {
				continue
			}
			reason := ev.Payload["reason"]
			ev.Payload = map[string]any{}
			if reason != nil {
				ev.Payload["reason"] = reason
			}
			tl = append(tl, ev)
		}
		d.Timeline = tl
		return
	}
	c.Form.Enterprise.Lead.Phone = casework.MaskPhone(f.Enterprise.Lead.Phone)
	c.Form.Enterprise.Handler.Phone = casework.MaskPhone(f.Enterprise.Handler.Phone)
	r := &c.Registration
	r.Application.Contact = casework.MaskPhonesIn(r.Application.Contact)
	if r.Consultation != nil {
		cons := *r.Consultation
		cons.Phone = casework.MaskPhone(cons.Phone)
		r.Consultation = &cons
	}
	for i := range d.Timeline {
		p := make(map[string]any, len(d.Timeline[i].Payload))
		for k, v := range d.Timeline[i].Payload {
			if str, ok := v.(string); ok {
				v = casework.MaskPhonesIn(str)
			}
			p[k] = v
		}
		d.Timeline[i].Payload = p
	}
}

// RevealFields are the personal numbers a reveal may return.
var RevealFields = []string{"lead.phone", "handler.phone", "consultation.phone"}

// Reveal returns one full phone number of a case to a reader whose work
// needs it — a clerk, the head or the case's specialist — and audits every
// reveal before answering; a reveal that cannot be audited is refused.
// Errors: not_found, forbidden (role, or a pool case), unprocessable
// (field).
func (s *Service) Reveal(ctx context.Context, v Viewer, id int64, field string) (string, error) {
	field = strings.TrimSpace(field)
	ok := false
	for _, f := range RevealFields {
		ok = ok || f == field
	}
	if !ok {
		return "", errs.FieldErrors(map[string]string{"field": "可查看的字段：lead.phone、handler.phone、consultation.phone"})
	}
	switch v.Role {
	case casework.RoleClerk, casework.RoleHead, casework.RoleSpecialist:
	default:
		return "", s.deny(ctx, v, "case.reveal", strconv.FormatInt(id, 10), v.Role.Label()+"无权查看完整号码")
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return "", err
	}
	if err := s.visible(ctx, v, c); err != nil {
		return "", err
	}
	if viewOf(v, c) != ViewFull {
		return "", s.deny(ctx, v, "case.reveal", strconv.FormatInt(id, 10), "只有案件的承办专员可以查看完整号码")
	}
	var value string
	switch field {
	case "lead.phone":
		value = c.Form.Enterprise.Lead.Phone
	case "handler.phone":
		value = c.Form.Enterprise.Handler.Phone
	case "consultation.phone":
		cons, err := s.store.Consultation(ctx, id)
		if err != nil {
			return "", err
		}
		if cons != nil {
			value = cons.Phone
		}
	}
	rec := s.record(ctx, v, "case.reveal", id, audit.OK, field)
	if err := s.store.InTx(ctx, func(tx Tx) error { return tx.Audit(rec) }); err != nil {
		return "", err
	}
	return value, nil
}
