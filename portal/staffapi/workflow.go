package staffapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/idem"
	"sunshine/app/web"
)

// listActions is GET /actions: the workflow's action table as data (label,
// roles, from/to statuses, fields with kind, required and options), so a
// client generates its forms from it. Any signed-in staff member.
func (h *handlers) listActions(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"items": casework.Actions()})
}

type heldJSON struct {
	ID          int64  `json:"id"`
	Number      string `json:"number"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Error       string `json:"error,omitempty"` // handover: why this case did not move
}

func heldList(list []heldCase) []heldJSON {
	out := make([]heldJSON, 0, len(list))
	for _, x := range list {
		out = append(out, heldJSON{ID: x.id, Number: x.number, Status: string(x.status), StatusLabel: x.status.Label(), Error: x.err})
	}
	return out
}

type heldCase struct {
	id     int64
	number string
	status casework.Status
	err    string
}

// heldCases is GET /specialists/{id}/cases: the cases the specialist holds
// that are not archived (head, admin): numbers and statuses only.
func (h *handlers) heldCases(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := h.d.Cases.HeldCases(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	out := make([]heldCase, len(list))
	for i, x := range list {
		out[i] = heldCase{id: x.ID, number: x.Number, status: x.Status}
	}
	return c.JSON(fiber.Map{"items": heldList(out)})
}

type handOverRequest struct {
	ReassignTo int64  `json:"reassign_to"`
	Reason     string `json:"reason"`
}

// handOver is POST /specialists/{id}/handover {reassign_to, reason}: the
// head moves all of a specialist's open cases at once, one audited reassign
// per case → 200 {moved, failed}.
func (h *handlers) handOver(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req handOverRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	moved, failed, err := h.doHandOver(c, id, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"moved": heldList(moved), "failed": heldList(failed)})
}

func (h *handlers) doHandOver(c *fiber.Ctx, id int64, req handOverRequest) (moved, failed []heldCase, err error) {
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		reason = "专员岗位变动，案件整体交接"
	}
	res, err := h.d.Cases.HandOver(c.UserContext(), viewerOf(c), id, req.ReassignTo, reason)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range res {
		x := heldCase{id: m.ID, number: m.Number, status: m.Status}
		if m.Err != nil {
			x.err = errs.MessageOf(m.Err)
			failed = append(failed, x)
		} else {
			moved = append(moved, x)
		}
	}
	return moved, failed, nil
}

type disableRequest struct {
	ReassignTo int64  `json:"reassign_to"`
	Reason     string `json:"reason"`
}

// disableUser is POST /users/{id}/disable {reassign_to?, reason?} (admin).
// A specialist who still holds cases is not disabled: without reassign_to
// the answer is 409 with the list of those cases; with it, every case is
// reassigned (one audited reassign each) and then the account is disabled.
func (h *handlers) disableUser(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req disableRequest
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &req); err != nil {
			return err
		}
	}
	v := viewerOf(c)
	if v.Role == casework.RoleAdmin && h.d.Cases != nil {
		held, err := h.d.Cases.HeldCases(c.UserContext(), v, id)
		if err != nil {
			return err
		}
		if len(held) > 0 {
			if req.ReassignTo == 0 {
				list := make([]heldCase, len(held))
				for i, x := range held {
					list[i] = heldCase{id: x.ID, number: x.Number, status: x.Status}
				}
				return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": fiber.Map{"code": string(errs.Conflict),
					"message": "该专员仍有未归档的案件，请指定接手的专员（reassign_to）后再停用",
					"fields":  fiber.Map{"reassign_to": "请选择接手这些案件的在岗专员"}}, "cases": heldList(list)})
			}
			_, failed, err := h.doHandOver(c, id, handOverRequest(req))
			if err != nil {
				return err
			}
			if len(failed) > 0 {
				return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": fiber.Map{"code": string(errs.Conflict),
					"message": "部分案件未能改派，账号未停用，请稍后重试"}, "cases": heldList(failed)})
			}
		}
	}
	u, err := h.d.Accounts.SetDisabled(c.UserContext(), v.Actor, id, true)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(u))
}

// idemKey reads the Idempotency-Key header of a creating request (nil when
// absent). Errors: unprocessable for a malformed key.
func idemKey(c *fiber.Ctx, owner string) (*idem.Key, error) {
	k := strings.Clone(strings.TrimSpace(c.Get(idem.Header)))
	if k == "" {
		return nil, nil
	}
	if !idem.Valid(k) {
		return nil, idem.Invalid()
	}
	return &idem.Key{Owner: owner, Key: k}, nil
}
