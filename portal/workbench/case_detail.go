package workbench

import (
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/files"
	"sunshine/app/matters"
	"sunshine/app/web"
)

// eventView is one timeline entry; internal ones are marked.
type eventView struct {
	At       time.Time
	Action   string
	Status   string
	Actor    string
	Role     string
	Internal bool
	Lines    []string
}

// caseView is the case page: the 工作登记表, the timeline, the materials,
// the department matters and the actions allowed now.
type caseView struct {
	Case      *casework.Case
	Row       caseRow
	Timeline  []eventView
	Materials []files.Meta
	Matters   []matters.Matter
	Actions   []actionForm
	// CanAddMatter: the head, or the specialist the case is assigned to.
	CanAddMatter bool
	// CanRatePaper: a clerk may enter the paper 评价表 (rateable, not rated).
	CanRatePaper bool
	Scores       []casework.Option
	// Open is the action whose form is shown open (a refused post).
	Open   string
	Posted map[string]string
	Today  string
}

// caseDetail is GET /staff/cases/{id}.
func (h *handlers) caseDetail(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	return h.renderCase(c, id, fiber.StatusOK, nil, nil, "")
}

// renderCase draws the case page with an optional refused form (fields,
// message) — always from a fresh read of the case.
func (h *handlers) renderCase(c *fiber.Ctx, id int64, status int, mutate func(*caseView), fields map[string]string, msg string) error {
	ctx, v := c.UserContext(), viewer(c)
	d, err := h.d.Cases.Get(ctx, v, id)
	if err != nil {
		return h.site.Fail(c, err)
	}
	cs, now := d.Case, h.d.Cases.Now()
	view := caseView{Case: cs, Row: h.rowOf(cs, now), Today: casework.DateOf(now)}
	for i := len(d.Timeline) - 1; i >= 0; i-- { // newest first
		e := d.Timeline[i]
		ev := eventView{At: e.At, Action: actionLabel(e.Action), Status: e.Status.Label(), Actor: e.ActorName,
			Role: e.ActorRole.Label(), Internal: !e.Public}
		keys := make([]string, 0, len(e.Payload))
		for k := range e.Payload {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if hiddenKeys[k] {
				continue
			}
			ev.Lines = append(ev.Lines, payloadLine(e.Action, k, e.Payload[k]))
		}
		view.Timeline = append(view.Timeline, ev)
	}
	if h.d.Files != nil {
		if view.Materials, err = h.d.Files.List(ctx, v, id); err != nil {
			return h.site.Fail(c, err)
		}
	}
	if h.d.Matters != nil && v.Role != casework.RoleClerk {
		if view.Matters, err = h.d.Matters.ForCase(ctx, v, id); err != nil && !errs.Is(err, errs.Forbidden) {
			return h.site.Fail(c, err)
		}
	}
	view.CanAddMatter = !cs.ReadOnly() && (v.Role == casework.RoleHead ||
		(v.Role == casework.RoleSpecialist && cs.SpecialistID == v.ID))
	view.CanRatePaper = v.Role == casework.RoleClerk && cs.Rateable() && cs.Rating == nil
	for sc := 5; sc >= 1; sc-- {
		view.Scores = append(view.Scores, casework.Option{Value: strconv.Itoa(sc), Label: casework.ScoreLabels[sc]})
	}
	if !cs.ReadOnly() {
		var specialists []casework.Option
		for _, a := range casework.Available(cs, v.Role) {
			if (a == casework.ActionAssign || a == casework.ActionReassign) && specialists == nil {
				if specialists, err = h.specialistsWithLoad(c); err != nil {
					return h.site.Fail(c, err)
				}
			}
			view.Actions = append(view.Actions, formOf(a, specialists))
		}
	}
	if mutate != nil {
		mutate(&view)
	}
	p := h.site.NewPage(c, cs.Number+" "+cs.Form.Project.Name, view)
	p.Fields, p.Error = fields, msg
	return h.site.Render(c, status, "case", p)
}

// specialistsWithLoad are the active specialists, each named with the
// cases they carry now (assigned, in service, suspended, closing).
func (h *handlers) specialistsWithLoad(c *fiber.Ctx) ([]casework.Option, error) {
	ctx, v := c.UserContext(), viewer(c)
	list, err := h.d.Accounts.Users(ctx, v.Actor, casework.RoleSpecialist)
	if err != nil {
		return nil, err
	}
	out := make([]casework.Option, 0, len(list))
	for _, s := range list {
		n, err := h.load(c, s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, casework.Option{Value: strconv.FormatInt(s.ID, 10),
			Label: s.Name + "（在办 " + strconv.Itoa(n) + " 件）"})
	}
	return out, nil
}

// activeStatuses are the statuses a specialist carries a case in.
var activeStatuses = []casework.Status{casework.Assigned, casework.InService, casework.Suspended, casework.Closing}

func (h *handlers) load(c *fiber.Ctx, specialistID int64) (int, error) {
	const max = 500
	list, err := h.d.Cases.List(c.UserContext(), viewer(c), casesFilter(activeStatuses, specialistID, max))
	return len(list), err
}

// caseVersion is GET /staff/cases/{id}/version?v=N, polled by the case
// page: 204 while the case is at version N; once it moved, the notice that
// offers to reload it (the page keeps what was typed meanwhile).
func (h *handlers) caseVersion(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	cs, err := h.d.Cases.CanSee(c.UserContext(), viewer(c), id)
	if err != nil {
		return h.site.Fail(c, err)
	}
	if strconv.Itoa(cs.Version) == c.Query("v") {
		return c.SendStatus(fiber.StatusNoContent)
	}
	p := h.site.NewPage(c, "", map[string]any{"URL": caseURL(id), "Status": cs.Status.Label()})
	return h.site.RenderFragment(c, fiber.StatusOK, "case", "changed", p)
}

// previewable are the kinds a browser shows inline in the sandboxed frame.
var previewable = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// download is GET /staff/cases/{id}/attachments/{aid}: one material, as an
// attachment — or, with ?inline=1 for a PDF or an image, inline for the
// case page's sandboxed preview frame. Every download is audited by the
// files service.
func (h *handlers) download(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	aid, err := web.PathID(c, "aid")
	if err != nil {
		return h.site.Fail(c, err)
	}
	m, data, err := h.d.Files.ReadAll(c.UserContext(), viewer(c), aid)
	if err != nil {
		return h.site.Fail(c, err)
	}
	if m.CaseID != id {
		return h.site.Fail(c, errs.E(errs.NotFound, "材料不存在"))
	}
	c.Set(fiber.HeaderContentType, m.ContentType)
	disp := "attachment"
	if c.Query("inline") == "1" && previewable[m.ContentType] {
		disp = "inline"
		// Shown only inside this site's frame, with no script of its own.
		c.Set(fiber.HeaderContentSecurityPolicy, "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
		c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	}
	c.Set(fiber.HeaderContentDisposition, disp+`; filename*=UTF-8''`+urlPathEscape(m.Name))
	return c.Send(data)
}
