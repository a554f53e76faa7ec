package mpapi

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/members"
	"sunshine/app/web"
)

// HeaderIdempotencyKey makes POST /cases safe to retry.
const HeaderIdempotencyKey = "Idempotency-Key"

// createCase is POST /cases: the full application form → 201 case. With an
// Idempotency-Key a replay answers the same case (201 again, with
// Idempotent-Replayed: true); the same key with another form → 422.
func (h *handlers) createCase(c *fiber.Ctx, m *member) error {
	key := strings.TrimSpace(c.Get(HeaderIdempotencyKey))
	if key != "" && !members.ValidIdempotencyKey(key) {
		return &errs.Error{Code: errs.Invalid, Message: "Idempotency-Key 格式不正确（1到128位字母、数字或 - _ . :）",
			Fields: map[string]string{HeaderIdempotencyKey: "格式不正确"}}
	}
	key = utils.CopyString(key)
	var req web.Form
	if err := h.decodeJSON(c, &req, false); err != nil {
		return err
	}
	ctx := c.UserContext()
	created, replayed, err := h.d.Members.Submit(ctx, m.Member, key, req.ToForm(), casework.ChannelMiniProgram)
	if err != nil {
		return err
	}
	d, err := h.d.Cases.Get(ctx, m.viewer, created.ID)
	if err != nil {
		return err
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Location(Prefix + "/cases/" + itoa(created.ID))
	return c.Status(fiber.StatusCreated).JSON(toCaseJSON(d, h.specialistPhone(ctx, d.Case), h.now()))
}

// listCases is GET /cases?cursor=&limit=&status=: the cases the user may
// see, newest first.
func (h *handlers) listCases(c *fiber.Ctx, m *member) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	f := cases.Filter{Before: before, Limit: limit + 1}
	if v := c.Query("status"); v != "" {
		for _, s := range strings.Split(v, ",") {
			st := casework.Status(strings.TrimSpace(s))
			if !st.Valid() {
				return &errs.Error{Code: errs.Invalid, Message: "status 参数无效",
					Fields: map[string]string{"status": "未知的状态：" + string(st)}}
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	list, err := h.d.Cases.List(c.UserContext(), m.viewer, f)
	if err != nil {
		return err
	}
	out := web.List[caseSummaryJSON]{Items: []caseSummaryJSON{}}
	now := h.now()
	for i := range list {
		if i == limit {
			break
		}
		out.Items = append(out.Items, toSummaryJSON(&list[i], now))
	}
	if len(list) > limit {
		out.Next = nextCursor(len(list), limit, list[limit-1].ID)
	}
	return c.JSON(out)
}

// getCase is GET /cases/{id}: status, stage, public timeline, deadline,
// specialist name and masked phone. Another enterprise's case is 404.
func (h *handlers) getCase(c *fiber.Ctx, m *member) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	return h.respondCase(c, m, id, fiber.StatusOK)
}

// respondCase answers the case as the member sees it now.
func (h *handlers) respondCase(c *fiber.Ctx, m *member, id int64, status int) error {
	ctx := c.UserContext()
	d, err := h.d.Cases.Get(ctx, m.viewer, id)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(toCaseJSON(d, h.specialistPhone(ctx, d.Case), h.now()))
}

// specialistPhone looks the specialist's phone up; a failure only hides it.
func (h *handlers) specialistPhone(ctx context.Context, c *casework.Case) string {
	if c.SpecialistID == 0 || h.d.Staff == nil {
		return ""
	}
	s, err := h.d.Staff.StaffByID(ctx, c.SpecialistID)
	if err != nil {
		h.d.Log.WarnContext(ctx, "specialist lookup failed", "case", c.ID, "err", err)
		return ""
	}
	return s.Phone
}
