package staffapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/consult"
	"sunshine/app/errs"
	"sunshine/app/followup"
	"sunshine/app/web"
)

// consultationRequest is a new 咨询 record. "time" is accepted as another
// name for "at".
type consultationRequest struct {
	At      string `json:"at"`
	Time    string `json:"time"`
	Unit    string `json:"unit"`
	Person  string `json:"person"`
	Phone   string `json:"phone"`
	Project string `json:"project"`
	Record  string `json:"record"`
	Handler string `json:"handler"`
	CaseID  int64  `json:"case_id"`
}

func (r consultationRequest) toInput() (consult.Input, error) {
	at := r.At
	if r.Time != "" {
		if at != "" && strings.TrimSpace(at) != strings.TrimSpace(r.Time) {
			return consult.Input{}, errs.FieldErrors(map[string]string{"time": "at 与 time 只需填写一个"})
		}
		at = r.Time
	}
	return consult.Input{At: at, Unit: r.Unit, Person: r.Person, Phone: r.Phone, Project: r.Project,
		Record: r.Record, Handler: r.Handler, CaseID: r.CaseID}, nil
}

type consultationJSON struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Unit      string    `json:"unit"`
	Person    string    `json:"person"`
	Phone     string    `json:"phone"`
	Project   string    `json:"project"`
	Record    string    `json:"record"`
	Handler   string    `json:"handler"`
	CaseID    *int64    `json:"case_id"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// toConsultationJSON converts a record; lists mask the phone number.
func toConsultationJSON(r consult.Record, masked bool) consultationJSON {
	out := consultationJSON{ID: r.ID, At: r.At.UTC(), Unit: r.Unit, Person: r.Person, Phone: r.Phone,
		Project: r.Project, Record: r.Record, Handler: r.Handler, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
	if masked {
		out.Phone = maskPhone(r.Phone)
	}
	if r.CaseID != 0 {
		id := r.CaseID
		out.CaseID = &id
	}
	return out
}

// createConsultation is POST /consultations → 201 record.
func (h *handlers) createConsultation(c *fiber.Ctx) error {
	var req consultationRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.toInput()
	if err != nil {
		return err
	}
	v := viewerOf(c)
	key, err := idemKey(c, "staff:"+strconv.FormatInt(v.ID, 10))
	if err != nil {
		return err
	}
	r, replayed, err := h.d.Consult.CreateOnce(c.UserContext(), v, in, key)
	if err != nil {
		return err
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	return c.Status(fiber.StatusCreated).JSON(toConsultationJSON(*r, false))
}

// listConsultations is GET /consultations?case_id=&q=&cursor=&limit=.
func (h *handlers) listConsultations(c *fiber.Ctx) error {
	f := consult.Filter{Q: strings.TrimSpace(c.Query("q"))}
	var err error
	if f.CaseID, err = queryID(c, "case_id"); err != nil {
		return err
	}
	var limit int
	if f.Before, limit, err = queryPage(c); err != nil {
		return err
	}
	f.Limit = limit + 1
	list, err := h.d.Consult.List(c.UserContext(), viewerOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(r consult.Record) int64 { return r.ID },
		func(r consult.Record) consultationJSON { return toConsultationJSON(r, true) }))
}

// getConsultation is GET /consultations/{id}: the phone number masked like
// everywhere else; POST /consultations/{id}/reveal shows it, audited.
func (h *handlers) getConsultation(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.d.Consult.Get(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toConsultationJSON(*r, true))
}

// revealConsultationPhone is POST /consultations/{id}/reveal → {field,
// value}: the full number, one audit record per reveal.
func (h *handlers) revealConsultationPhone(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	value, err := h.d.Consult.RevealPhone(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(revealJSON{Field: "phone", Value: value})
}

type followupJSON struct {
	ID             int64      `json:"id"`
	CaseID         int64      `json:"case_id"`
	CaseNumber     string     `json:"case_number"`
	EnterpriseName string     `json:"enterprise_name"`
	ProjectName    string     `json:"project_name"`
	Score          int        `json:"score"`
	Comment        string     `json:"comment"`
	Status         string     `json:"status"`
	Outcome        string     `json:"outcome"`
	DoneBy         string     `json:"done_by"`
	DoneAt         *time.Time `json:"done_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

func toFollowupJSON(t followup.Task) followupJSON {
	return followupJSON{ID: t.ID, CaseID: t.CaseID, CaseNumber: t.CaseNumber, EnterpriseName: t.EnterpriseName,
		ProjectName: t.ProjectName, Score: t.Score, Comment: t.Comment, Status: t.Status, Outcome: t.Outcome,
		DoneBy: t.DoneBy, DoneAt: t.DoneAt, CreatedAt: t.CreatedAt.UTC()}
}

type followupRequest struct {
	Outcome string `json:"outcome"`
}

// listFollowups is GET /followups?status=open|done&cursor=&limit= (head).
func (h *handlers) listFollowups(c *fiber.Ctx) error {
	f := followup.Filter{Status: c.Query("status")}
	var err error
	var limit int
	if f.Before, limit, err = queryPage(c); err != nil {
		return err
	}
	f.Limit = limit + 1
	list, err := h.d.Followups.List(c.UserContext(), viewerOf(c).Actor, f)
	if err != nil {
		return err
	}
	return c.JSON(page(list, limit, func(t followup.Task) int64 { return t.ID }, toFollowupJSON))
}

// completeFollowup is POST /followups/{id} {outcome} (head) → 200 task.
func (h *handlers) completeFollowup(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req followupRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	t, err := h.d.Followups.Complete(c.UserContext(), viewerOf(c).Actor, id, req.Outcome)
	if err != nil {
		return err
	}
	return c.JSON(toFollowupJSON(*t))
}
