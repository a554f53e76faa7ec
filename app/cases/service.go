package cases

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/idem"
)

// Viewer is who is asking: an actor plus, for enterprise users, their
// enterprise membership.
type Viewer struct {
	casework.Actor
	EnterpriseID int64 // the enterprise the user belongs to (0: none)
	Verified     bool  // admin or verified member: sees the enterprise's cases
}

// Service runs the case use cases.
type Service struct {
	store Store
	days  casework.WorkingDays
	now   func() time.Time
	log   *slog.Logger
	hooks []Hook
}

// New builds the service. now may be nil (time.Now).
func New(store Store, days casework.WorkingDays, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, days: days, now: now, log: log}
}

// OnEvent registers a hook that runs inside every write transaction.
func (s *Service) OnEvent(h Hook) { s.hooks = append(s.hooks, h) }

// Now returns the service clock.
func (s *Service) Now() time.Time { return s.now() }

// Detail is a case with its timeline, cut to the reader's view.
type Detail struct {
	Case     *casework.Case
	Timeline []casework.Event
	View     View
}

// SubmitInput is a new application.
type SubmitInput struct {
	Form         casework.Form
	Channel      casework.Channel
	Mode         casework.FormMode
	HotlineOrder string
	// Key makes the submit idempotent (Idempotency-Key): its Fingerprint is
	// set by Submit from the form and the channel.
	Key *idem.Key
}

// Submit creates a case. Enterprise users submit for their enterprise;
// staff and the hotline submit on behalf of one. Errors: unprocessable
// (form), forbidden (role), conflict (duplicate hotline order).
func (s *Service) Submit(ctx context.Context, v Viewer, in SubmitInput) (*casework.Case, error) {
	c, _, err := s.SubmitOnce(ctx, v, in)
	return c, err
}

// SubmitOnce is Submit with in.Key honoured: a replay of the same form
// returns the first case (replayed true) — the key is claimed in the
// creating transaction, so this holds across restarts of anything but the
// database; the same key with another form is refused (unprocessable).
func (s *Service) SubmitOnce(ctx context.Context, v Viewer, in SubmitInput) (*casework.Case, bool, error) {
	if in.Key != nil {
		k := *in.Key
		k.Scope = idem.ScopeCase
		k.Fingerprint = idem.Fingerprint(struct {
			F casework.Form
			C casework.Channel
			O string
		}{in.Form, in.Channel, in.HotlineOrder})
		in.Key = &k
	}
	var created *casework.Case
	id, replayed, err := idem.Do(ctx, s.store, in.Key, func() (int64, error) {
		c, err := s.submit(ctx, v, in)
		if err != nil {
			return 0, err
		}
		created = c
		return c.ID, nil
	})
	if err != nil {
		return nil, false, err
	}
	if !replayed {
		return created, false, nil
	}
	c, err := s.CanSee(ctx, v, id)
	return c, true, err
}

func (s *Service) submit(ctx context.Context, v Viewer, in SubmitInput) (*casework.Case, error) {
	switch v.Role {
	case casework.RoleEnterprise, casework.RoleClerk, casework.RoleHotline:
	default:
		return nil, s.deny(ctx, v, "case.submit", "", "无权提交申请")
	}
	now := s.now()
	c, ev, err := casework.NewCase(in.Form, in.Channel, v.Actor, in.Mode, now)
	if err != nil {
		return nil, err
	}
	c.HotlineOrder = in.HotlineOrder
	switch {
	case v.Role == casework.RoleEnterprise:
		c.EnterpriseID = v.EnterpriseID
		if v.Verified && v.EnterpriseID != 0 {
			// A verified member applies for their own enterprise only: a
			// case filed under it with another code would show that other
			// enterprise's application to this one's members (SPEC §2).
			id, err := s.store.EnterpriseByCreditCode(ctx, c.Form.Enterprise.CreditCode)
			if err != nil {
				return nil, err
			}
			if id != v.EnterpriseID {
				return nil, errs.FieldErrors(map[string]string{"enterprise.credit_code": "统一社会信用代码与您认证的企业不一致：请填写本企业的统一社会信用代码，或以对应企业的认证账号提交"}) // #nosec G101 -- a field name and its message, no credential
			}
		}
	case c.Form.Enterprise.CreditCode != "":
		// Window, complaint and hotline intake: the case belongs to the
		// registered enterprise of that credit code, so its members see it.
		if c.EnterpriseID, err = s.store.EnterpriseByCreditCode(ctx, c.Form.Enterprise.CreditCode); err != nil {
			return nil, err
		}
	}
	seq, err := s.store.NextCaseNumber(ctx, now.In(casework.ChinaTime).Year())
	if err != nil {
		return nil, err
	}
	c.Number = casework.FormatNumber(now.In(casework.ChinaTime).Year(), seq)
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.InsertCase(c); err != nil {
			return err
		}
		ev.CaseID = c.ID
		if in.Key != nil {
			if err := tx.ClaimKey(in.Key, c.ID); err != nil {
				return err
			}
		}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		if err := tx.Audit(s.record(ctx, v, "case.submit", c.ID, audit.OK, c.Number)); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, c, ev)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Get returns a case the viewer may see, with its timeline, cut to the
// viewer's view (a liaison's matter view, the archiving pool's view, phone
// numbers masked for staff; the caller filters internal events for
// enterprises). Staff reads are audited. Errors: not_found, forbidden,
// unavailable (the read could not be audited).
func (s *Service) Get(ctx context.Context, v Viewer, id int64) (*Detail, error) {
	return s.get(ctx, v, id, true)
}

// AfterWrite is Get for the answer to the viewer's own write: the write's
// audit record already names the reader and the case, so the read is not
// audited again. Errors: those of Get.
func (s *Service) AfterWrite(ctx context.Context, v Viewer, id int64) (*Detail, error) {
	return s.get(ctx, v, id, false)
}

func (s *Service) get(ctx context.Context, v Viewer, id int64, audited bool) (*Detail, error) {
	if err := s.mayReadCases(ctx, v); err != nil {
		return nil, err
	}
	c, tl, err := s.store.CaseWithTimeline(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, v, c); err != nil {
		return nil, err
	}
	if c.Registration.Consultation == nil {
		if c.Registration.Consultation, err = s.store.Consultation(ctx, id); err != nil {
			return nil, err
		}
	}
	d := &Detail{Case: c, Timeline: tl, View: viewOf(v, c)}
	if audited && v.Role.IsStaff() {
		// A staff read of a case's personal data is audited (SPEC §6); the
		// read fails when it cannot be.
		rec := s.record(ctx, v, "case.read", id, audit.OK, string(d.View))
		if err := s.store.InTx(ctx, func(tx Tx) error { return tx.Audit(rec) }); err != nil {
			return nil, err
		}
	}
	redact(d, v)
	return d, nil
}

// Act applies one workflow action as one transaction. A role that may
// never take the action is refused (forbidden) before the case is looked
// at, so the answer tells nothing about the case. Errors: those of
// casework.Apply, plus not_found when the viewer may not see the case.
func (s *Service) Act(ctx context.Context, v Viewer, id int64, req casework.Request) (*casework.Case, error) {
	if err := s.mayReadCases(ctx, v); err != nil {
		return nil, err
	}
	if t, ok := casework.Lookup(req.Action); ok && !t.Allows(v.Role) {
		return nil, s.deny(ctx, v, "case."+string(req.Action), strconv.FormatInt(id, 10),
			v.Role.Label()+"无权执行「"+t.Label+"」")
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, v, c); err != nil {
		return nil, err
	}
	dir := directory{}
	if t, ok := casework.Lookup(req.Action); ok && t.Specialist != "" {
		if dir, err = s.store.Specialists(ctx); err != nil {
			return nil, err
		}
	}
	prev := c.Version
	ev, err := casework.Apply(c, v.Actor, req, casework.Env{Now: s.now(), Days: s.days, Directory: dir})
	if err != nil {
		if errs.Is(err, errs.Forbidden) {
			s.auditOutside(ctx, v, "case."+string(req.Action), id, audit.Denied, errs.MessageOf(err))
		}
		return nil, err
	}
	if err := s.checkAttachments(ctx, c.ID, req.Action, ev.Payload); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.UpdateCase(c, prev); err != nil {
			return err
		}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		if err := tx.Audit(s.record(ctx, v, "case."+string(req.Action), c.ID, audit.OK, string(ev.FromStatus)+"→"+string(ev.Status))); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, c, ev)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkAttachments refuses attachment fields that name no attachment of
// the case.
func (s *Service) checkAttachments(ctx context.Context, caseID int64, a casework.Action, payload map[string]any) error {
	t, _ := casework.Lookup(a)
	for _, f := range t.Fields {
		if f.Kind != casework.KAttachment {
			continue
		}
		id, _ := payload[f.Name].(int64)
		if id == 0 {
			continue
		}
		ok, err := s.store.AttachmentOfCase(ctx, caseID, id)
		if err != nil {
			return err
		}
		if !ok {
			return errs.FieldErrors(map[string]string{f.Name: "附件不存在或不属于该案件"})
		}
	}
	return nil
}

// Rate records the 事后评价 (by the enterprise, or by a clerk from the paper
// form, whose scan attachmentID must be an attachment of the case). Errors:
// conflict (status, already rated), unprocessable, not_found.
func (s *Service) Rate(ctx context.Context, v Viewer, id int64, score int, comment string, attachmentID int64) (*casework.Case, error) {
	source := "enterprise"
	switch v.Role {
	case casework.RoleEnterprise:
	case casework.RoleClerk:
		source = "paper"
	default:
		return nil, s.deny(ctx, v, "case.rate", strconv.FormatInt(id, 10), "无权录入评价")
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, v, c); err != nil {
		return nil, err
	}
	ev, followUp, err := casework.Rate(c, v.Actor, score, comment, source, attachmentID, s.now())
	if err != nil {
		return nil, err
	}
	if source == "paper" {
		ok, err := s.store.AttachmentOfCase(ctx, c.ID, attachmentID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errs.FieldErrors(map[string]string{"attachment_id": "附件不存在或不属于该案件，请先上传扫描的纸质评价表"})
		}
		ev.Payload["attachment_id"] = attachmentID
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.AddRating(c, followUp); err != nil {
			return err
		}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		if err := tx.Audit(s.record(ctx, v, "case.rate", c.ID, audit.OK, strconv.Itoa(score))); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, c, ev)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) runHooks(ctx context.Context, tx Tx, c *casework.Case, ev *casework.Event) error {
	for _, h := range s.hooks {
		if err := h(ctx, tx, c, ev); err != nil {
			return err
		}
	}
	return nil
}

type directory map[int64]string

func (d directory) Specialist(id int64) (string, bool) { n, ok := d[id]; return n, ok }
