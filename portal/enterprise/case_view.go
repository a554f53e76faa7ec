package enterprise

import (
	"context"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/files"
	"sunshine/app/web"
)

// stageView is one step of the five-stage progress bar.
type stageView struct {
	Label string
	State string // done | current | todo
	At    *time.Time
}

// caseRow is a line of the case list.
type caseRow struct {
	ID          int64
	Number      string
	Project     string
	Status      string
	StatusLabel string
	Stages      []stageView
	Deadline    string
	Overdue     bool
}

// eventView is a public timeline entry.
type eventView struct {
	At          time.Time
	ActionLabel string
	StatusLabel string
	Actor       string
	Lines       []string
}

// caseView is a case as its enterprise sees it.
type caseView struct {
	caseRow
	Version         int
	ServiceType     string
	Specialist      string
	SpecialistPhone string // masked
	Delivery        casework.Delivery
	DeliveryMethod  string
	Timeline        []eventView
	Rating          *casework.Rating
	RatingLabel     string
	Can             map[string]bool
	Form            web.Form
	Attachments     []files.Meta
	Scores          []scoreOption
}

type scoreOption struct {
	Score int
	Label string
}

// stagesOf draws the five stages with the date each was entered, read from
// the case's own record (the sections of the 工作登记表), so that a list
// needs no timeline; a timeline, when given, fills what the record lacks.
func stagesOf(c *casework.Case, timeline []casework.Event) []stageView {
	r := c.Registration
	entered := map[casework.Stage]*time.Time{casework.StageIntake: &c.CreatedAt,
		casework.StageTracking: r.Assignment.At, casework.StageArchive: r.Archive.At}
	switch {
	case r.Closure.SignedAt != nil && r.Closure.Result == "terminated":
		entered[casework.StageEvaluation] = r.Closure.SignedAt
	case r.Closure.SignedAt != nil:
		entered[casework.StageDelivery] = r.Closure.SignedAt
	}
	if r.Delivery.ConfirmedAt != nil {
		entered[casework.StageEvaluation] = r.Delivery.ConfirmedAt
	} else if r.Delivery.Method == "in_person" && r.Delivery.At != nil {
		entered[casework.StageEvaluation] = r.Delivery.At
	}
	for _, e := range timeline {
		st := casework.StageOf(e.Status)
		if entered[st] == nil && e.Status != "" {
			at := e.At
			entered[st] = &at
		}
	}
	cur := c.Stage()
	out := make([]stageView, len(casework.Stages))
	state := "done"
	for i, s := range casework.Stages {
		if s == cur {
			state = "current"
		}
		out[i] = stageView{Label: s.Label(), State: state}
		if state != "todo" {
			out[i].At = entered[s]
		}
		if state == "current" {
			state = "todo"
		}
	}
	return out
}

func rowOf(c *casework.Case, timeline []casework.Event, now time.Time) caseRow {
	return caseRow{ID: c.ID, Number: c.Number, Project: c.Form.Project.Name, Status: string(c.Status),
		StatusLabel: c.Status.Label(), Stages: stagesOf(c, timeline), Deadline: c.Deadline, Overdue: c.Overdue(now)}
}

// viewOf converts a case for its detail page; only public events are kept.
func (h *handlers) viewOf(ctx context.Context, d *cases.Detail, now time.Time) caseView {
	c := d.Case
	v := caseView{caseRow: rowOf(c, publicOnly(d.Timeline), now), Version: c.Version,
		ServiceType: casework.OptionLabel(casework.ServiceTypeOptions, c.ServiceType), Specialist: c.Specialist,
		Delivery: c.Registration.Delivery, DeliveryMethod: casework.OptionLabel(casework.MethodOptions, c.Registration.Delivery.Method),
		Rating: c.Rating, Can: actionsOf(c), Form: web.FromForm(c.Form)}
	if c.Rating != nil {
		v.RatingLabel = casework.ScoreLabels[c.Rating.Score]
	}
	for s := 5; s >= 1; s-- {
		v.Scores = append(v.Scores, scoreOption{s, casework.ScoreLabels[s]})
	}
	if c.SpecialistID != 0 && h.d.Staff != nil {
		if s, err := h.d.Staff.StaffByID(ctx, c.SpecialistID); err == nil {
			v.SpecialistPhone = maskPhone(s.Phone)
		}
	}
	for _, e := range publicOnly(d.Timeline) {
		ev := eventView{At: e.At, ActionLabel: e.Action.Label(), StatusLabel: e.Status.Label(), Actor: e.ActorName}
		for _, k := range sortedKeys(e.PublicPayload()) {
			val := e.PublicPayload()[k]
			ev.Lines = append(ev.Lines, payloadLine(e.Action, k, val))
		}
		v.Timeline = append(v.Timeline, ev)
	}
	// Newest first, as people read a history.
	for i, j := 0, len(v.Timeline)-1; i < j; i, j = i+1, j-1 {
		v.Timeline[i], v.Timeline[j] = v.Timeline[j], v.Timeline[i]
	}
	return v
}

func publicOnly(t []casework.Event) []casework.Event {
	out := make([]casework.Event, 0, len(t))
	for _, e := range t {
		if e.Public {
			out = append(out, e)
		}
	}
	return out
}

// actionsOf is what the enterprise may do on c now: the workflow's own
// answer for the enterprise role, plus urge, rating and uploads by the same
// rules as the mini-program API.
func actionsOf(c *casework.Case) map[string]bool {
	can := map[string]bool{}
	for _, a := range casework.Available(c, casework.RoleEnterprise) {
		can[string(a)] = true
	}
	can["urge"] = casework.Open(c.Status) && c.Status != casework.NeedsInfo
	can["rating"] = c.Rateable() && c.Rating == nil
	can["attachments"] = !c.ReadOnly()
	return can
}

// maskPhone hides the middle of a phone number: 13812341234 → 138****1234.
func maskPhone(p string) string {
	r := []rune(p)
	switch {
	case len(r) == 0:
		return ""
	case len(r) >= 11:
		return string(r[:3]) + "****" + string(r[len(r)-4:])
	case len(r) > 6:
		return string(r[:2]) + "****" + string(r[len(r)-2:])
	}
	return "****"
}
