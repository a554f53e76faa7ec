package mpapi

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/web"
)

// The enterprise's workflow actions take the case version from the body
// (409 when the case moved since) or, when it is left out, act on the
// current version: a mini-program user has no stale form to protect.

type supplementRequest struct {
	Version     *int    `json:"version"`
	Note        string  `json:"note"`
	Attachments []int64 `json:"attachments"` // ids from POST /cases/{id}/attachments
}

type withdrawRequest struct {
	Version *int   `json:"version"`
	Reason  string `json:"reason"`
}

type receiptRequest struct {
	Version *int `json:"version"`
}

// supplement is POST /cases/{id}/supplement {version?, note, attachments}.
func (h *handlers) supplement(c *fiber.Ctx, m *member) error {
	var req supplementRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	p := map[string]any{}
	if req.Note != "" {
		p["note"] = req.Note
	}
	if len(req.Attachments) > 0 {
		names, err := h.attachmentNames(c, m, req.Attachments)
		if err != nil {
			return err
		}
		p["attachments"] = names
	}
	return h.act(c, m, casework.ActionSupplement, req.Version, p)
}

// attachmentNames checks that the ids are materials of the case in the path
// and names them for the timeline ("附件#12 营业执照.pdf").
func (h *handlers) attachmentNames(c *fiber.Ctx, m *member, ids []int64) ([]string, error) {
	fs, err := h.files()
	if err != nil {
		return nil, err
	}
	caseID, err := web.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	list, err := fs.List(c.UserContext(), m.viewer, caseID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		i := slices.IndexFunc(list, func(a files.Meta) bool { return a.ID == id })
		if i < 0 {
			return nil, errs.FieldErrors(map[string]string{"attachments": "附件#" + strconv.FormatInt(id, 10) + "不是该案件的材料，请先上传"})
		}
		names = append(names, "附件#"+strconv.FormatInt(id, 10)+" "+list[i].Name)
	}
	return names, nil
}

// withdraw is POST /cases/{id}/withdraw {version?, reason}.
func (h *handlers) withdraw(c *fiber.Ctx, m *member) error {
	var req withdrawRequest
	if err := h.decodeJSON(c, &req, true); err != nil {
		return err
	}
	p := map[string]any{}
	if req.Reason != "" {
		p["reason"] = req.Reason
	}
	return h.act(c, m, casework.ActionWithdraw, req.Version, p)
}

// receipt is POST /cases/{id}/receipt {version?}: 签收确认 of a mailed result.
func (h *handlers) receipt(c *fiber.Ctx, m *member) error {
	var req receiptRequest
	if err := h.decodeJSON(c, &req, true); err != nil {
		return err
	}
	return h.act(c, m, casework.ActionConfirmReceipt, req.Version, nil)
}

// act applies one workflow action with the member's viewer and answers the
// updated case.
func (h *handlers) act(c *fiber.Ctx, m *member, a casework.Action, version *int, payload map[string]any) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v := 0
	if version != nil {
		v = *version
	} else {
		cur, err := h.d.Cases.CanSee(ctx, m.viewer, id)
		if err != nil {
			return err
		}
		v = cur.Version
	}
	raw := make(map[string]json.RawMessage, len(payload))
	for k, val := range payload {
		raw[k], _ = json.Marshal(val)
	}
	if _, err := h.d.Cases.Act(ctx, m.viewer, id, casework.Request{Action: a, Version: v, Payload: raw}); err != nil {
		return err
	}
	return h.respondCase(c, m, id, fiber.StatusOK)
}

type ratingRequest struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// rate is POST /cases/{id}/rating {score, comment}: once, after delivery or
// termination; a score of 2 or less opens a follow-up for the head.
func (h *handlers) rate(c *fiber.Ctx, m *member) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	if _, err := h.d.Cases.Rate(c.UserContext(), m.viewer, id, req.Score, req.Comment, 0); err != nil {
		return err
	}
	return h.respondCase(c, m, id, fiber.StatusOK)
}

type urgeJSON struct {
	Urged        bool      `json:"urged"`
	HeadNotified bool      `json:"head_notified"`
	NextAllowed  time.Time `json:"next_allowed_at"`
	Message      string    `json:"message"`
}

// urge is POST /cases/{id}/urge: at most once per 24 h per case (429);
// head_notified says whether the head was reminded (overdue, or no
// specialist assigned yet).
func (h *handlers) urge(c *fiber.Ctx, m *member) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	res, err := h.d.Members.Urge(c.UserContext(), m.Member, id)
	if err != nil {
		return err
	}
	msg := "已提醒帮办代办专员尽快办理"
	switch {
	case !res.Specialist:
		msg = "已提醒中心负责人尽快安排办理"
	case res.Overdue:
		msg = "案件已超期，已同时提醒帮办代办专员和中心负责人"
	}
	return c.JSON(urgeJSON{Urged: true, HeadNotified: res.HeadNotified, NextAllowed: res.Next.UTC(), Message: msg})
}
