package mpapi

import (
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/web"
)

// caseJSON is a case as its enterprise sees it: the public timeline only,
// the specialist's name and masked phone, what the user may do now.
type caseJSON struct {
	web.CaseHead
	Stages      []stageJSON     `json:"stages"`
	Version     int             `json:"version"`
	Channel     string          `json:"channel"`
	ServiceType *string         `json:"service_type"`
	Deadline    *string         `json:"deadline"`
	Overdue     bool            `json:"overdue"`
	Form        web.Form        `json:"form"`
	Specialist  *specialistJSON `json:"specialist"`
	Timeline    []eventJSON     `json:"timeline"`
	Rating      *ratingJSON     `json:"rating"`
	Actions     []string        `json:"actions"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

type stageJSON struct {
	Stage string `json:"stage"`
	Label string `json:"label"`
	State string `json:"state"` // done | current | todo
}

type specialistJSON struct {
	Name  string `json:"name"`
	Phone string `json:"phone"` // masked
}

type actorJSON struct {
	Role      string `json:"role"`
	RoleLabel string `json:"role_label"`
	Name      string `json:"name"`
}

type eventJSON struct {
	ID          int64          `json:"id"`
	Action      string         `json:"action"`
	ActionLabel string         `json:"action_label"`
	Status      string         `json:"status"`
	StatusLabel string         `json:"status_label"`
	At          time.Time      `json:"at"`
	Actor       actorJSON      `json:"actor"`
	Public      bool           `json:"public"`
	Payload     map[string]any `json:"payload"`
}

type ratingJSON struct {
	Score   int       `json:"score"`
	Label   string    `json:"label"`
	Comment string    `json:"comment"`
	At      time.Time `json:"at"`
}

// caseSummaryJSON is one line of GET /cases.
type caseSummaryJSON struct {
	web.CaseHead
	ProjectName    string    `json:"project_name"`
	EnterpriseName string    `json:"enterprise_name"`
	Deadline       *string   `json:"deadline"`
	Overdue        bool      `json:"overdue"`
	Specialist     *string   `json:"specialist"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// enterpriseActions maps the workflow actions an enterprise takes to the
// endpoints of this API.
var enterpriseActions = map[casework.Action]string{
	casework.ActionSupplement: "supplement", casework.ActionWithdraw: "withdraw",
	casework.ActionConfirmReceipt: "receipt",
}

// toCaseJSON converts a case and its timeline; internal events and private
// payload entries are left out. phone is the specialist's phone ("" unknown).
func toCaseJSON(d *cases.Detail, specialistPhone string, now time.Time) caseJSON {
	c := d.Case
	out := caseJSON{CaseHead: web.CaseHeadOf(c), Stages: stagesOf(c.Stage()), Version: c.Version,
		Channel: string(c.Channel), ServiceType: optional(c.ServiceType), Deadline: optional(c.Deadline),
		Overdue: c.Overdue(now), Form: web.FromForm(c.Form), Timeline: []eventJSON{}, Actions: actionsOf(c),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if c.Specialist != "" {
		out.Specialist = &specialistJSON{Name: c.Specialist, Phone: maskPhone(specialistPhone)}
	}
	if r := c.Rating; r != nil {
		out.Rating = &ratingJSON{Score: r.Score, Label: casework.ScoreLabels[r.Score], Comment: r.Comment, At: r.At.UTC()}
	}
	for i := range d.Timeline {
		e := &d.Timeline[i]
		if !e.Public {
			continue
		}
		out.Timeline = append(out.Timeline, eventJSON{ID: e.ID, Action: string(e.Action), ActionLabel: e.Action.Label(),
			Status: string(e.Status), StatusLabel: e.Status.Label(), At: e.At.UTC(),
			Actor:  actorJSON{Role: string(e.ActorRole), RoleLabel: e.ActorRole.Label(), Name: e.ActorName},
			Public: true, Payload: e.PublicPayload()})
	}
	return out
}

// actionsOf lists what the enterprise may do on c now (endpoint names).
func actionsOf(c *casework.Case) []string {
	out := []string{}
	for _, a := range casework.Available(c, casework.RoleEnterprise) {
		if name, ok := enterpriseActions[a]; ok {
			out = append(out, name)
		}
	}
	if casework.Open(c.Status) && c.Status != casework.NeedsInfo {
		out = append(out, "urge")
	}
	if casework.Rateable(c.Status) && c.Rating == nil {
		out = append(out, "rating")
	}
	if !c.ReadOnly() {
		out = append(out, "attachments")
	}
	return out
}

func stagesOf(cur casework.Stage) []stageJSON {
	out := make([]stageJSON, len(casework.Stages))
	state := "done"
	for i, s := range casework.Stages {
		if s == cur {
			state = "current"
		}
		out[i] = stageJSON{Stage: string(s), Label: s.Label(), State: state}
		if state == "current" {
			state = "todo"
		}
	}
	return out
}

func toSummaryJSON(c *casework.Case, now time.Time) caseSummaryJSON {
	return caseSummaryJSON{CaseHead: web.CaseHeadOf(c), ProjectName: c.Form.Project.Name,
		EnterpriseName: c.Form.Enterprise.Name, Deadline: optional(c.Deadline), Overdue: c.Overdue(now),
		Specialist: optional(c.Specialist), CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
