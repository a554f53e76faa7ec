package cases

import (
	"context"
	"encoding/json"
	"strconv"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Held is one case a specialist holds.
type Held struct {
	ID     int64
	Number string
	Status casework.Status
}

// Moved is the outcome of handing one case over.
type Moved struct {
	Held
	Err error // nil: moved
}

// heldStatuses are those in which a specialist may hold a case: every
// status but archived (a withdrawn or terminated case still has materials
// to return and a file to submit).
var heldStatuses = func() []casework.Status {
	var out []casework.Status
	for _, s := range casework.Statuses {
		if s != casework.Archived {
			out = append(out, s)
		}
	}
	return out
}()

// HeldCases lists every case the specialist holds that is not archived,
// oldest first. Only the head and the administrator (who disables the
// account) may ask; the list carries numbers and statuses, no content.
// Errors: forbidden.
func (s *Service) HeldCases(ctx context.Context, v Viewer, specialistID int64) ([]Held, error) {
	if v.Role != casework.RoleHead && v.Role != casework.RoleAdmin {
		return nil, s.deny(ctx, v, "case.handover", "specialist:"+strconv.FormatInt(specialistID, 10), "只有中心负责人或系统管理员可以查看专员在办案件")
	}
	return s.held(ctx, specialistID)
}

func (s *Service) held(ctx context.Context, specialistID int64) ([]Held, error) {
	var out []Held
	for before := int64(0); ; {
		page, err := s.store.ListCases(ctx, Filter{SpecialistID: specialistID, Statuses: heldStatuses, Before: before, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			out = append(out, Held{ID: c.ID, Number: c.Number, Status: c.Status})
			before = c.ID
		}
		if len(page) < 200 {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// HandOver reassigns every case the specialist from holds to the
// specialist to: one transaction per case, each on the timeline and in the
// audit trail as a reassign with reason. The head may do it at any time
// (the bulk 改派); the administrator only as the hand-over of an account
// being disabled (the reassign row delegates to it). A case that moved
// meanwhile is retried once with its new version; failures are reported per
// case. Errors: forbidden, unprocessable (to is not an active specialist,
// reason missing).
func (s *Service) HandOver(ctx context.Context, v Viewer, from, to int64, reason string) ([]Moved, error) {
	if v.Role != casework.RoleHead && v.Role != casework.RoleAdmin {
		return nil, s.deny(ctx, v, "case.handover", "specialist:"+strconv.FormatInt(from, 10), "只有中心负责人可以批量改派案件")
	}
	dir, err := s.store.Specialists(ctx)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	if _, ok := dir[to]; !ok || to == from {
		bad["reassign_to"] = "请选择另一位在岗的帮办代办专员"
	}
	if reason == "" {
		bad["reason"] = "请填写改派原因"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	list, err := s.held(ctx, from)
	if err != nil {
		return nil, err
	}
	payload := map[string]any{"specialist_id": to, "reason": reason}
	out := make([]Moved, 0, len(list))
	for _, h := range list {
		var err error
		for attempt := 0; attempt < 2; attempt++ {
			err = s.handOne(ctx, v, h.ID, dir, payload)
			if !errs.Is(err, errs.Conflict) {
				break
			}
		}
		out = append(out, Moved{Held: h, Err: err})
	}
	return out, nil
}

func (s *Service) handOne(ctx context.Context, v Viewer, id int64, dir directory, payload map[string]any) error {
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return err
	}
	raw, err := rawPayload(payload)
	if err != nil {
		return err
	}
	prev := c.Version
	ev, err := casework.Apply(c, v.Actor, casework.Request{Action: casework.ActionReassign, Version: c.Version,
		Payload: raw, Delegated: true}, casework.Env{Now: s.now(), Days: s.days, Directory: dir})
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.UpdateCase(c, prev); err != nil {
			return err
		}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		if err := tx.Audit(s.record(ctx, v, "case.reassign", c.ID, audit.OK, "handover "+string(c.Status))); err != nil {
			return err
		}
		return s.runHooks(ctx, tx, c, ev)
	})
}

func rawPayload(p map[string]any) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(p))
	for k, v := range p {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[k] = b
	}
	return out, nil
}
