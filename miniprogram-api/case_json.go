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
	Closure     *closureJSON    `json:"closure"`    // once the head signed off 办结/终止/其他
	Withdrawal  *withdrawalJSON `json:"withdrawal"` // once the enterprise withdrew
	Delivery    *deliveryJSON   `json:"delivery"`   // once delivered (or materials returned)
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

// closureJSON is the 办结/终止 section as the enterprise sees it: the
// result, the specialist's explanation (the reason of a termination) and
// the head's opinion.
type closureJSON struct {
	Result      string    `json:"result"`
	ResultLabel string    `json:"result_label"`
	Explanation string    `json:"explanation"`
	Opinion     string    `json:"opinion"`
	SignedAt    time.Time `json:"signed_at"`
}

type withdrawalJSON struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

type deliveryJSON struct {
	Method      string     `json:"method"`
	MethodLabel string     `json:"method_label"`
	TrackingNo  string     `json:"tracking_no,omitempty"`
	SignedBy    string     `json:"signed_by,omitempty"`
	Returned    bool       `json:"returned"` // materials returned (terminated or withdrawn)
	At          time.Time  `json:"at"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
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
	if cl := c.Registration.Closure; cl.SignedAt != nil {
		out.Closure = &closureJSON{Result: cl.Result, ResultLabel: casework.OptionLabel(casework.ResultOptions, cl.Result),
			Explanation: cl.Explanation, Opinion: cl.Opinion, SignedAt: cl.SignedAt.UTC()}
	}
	if w := c.Registration.Withdrawal; w != nil {
		out.Withdrawal = &withdrawalJSON{Reason: w.Reason, At: w.At.UTC()}
	}
	if dl := c.Registration.Delivery; dl.At != nil {
		out.Delivery = &deliveryJSON{Method: dl.Method, MethodLabel: casework.OptionLabel(casework.MethodOptions, dl.Method),
			TrackingNo: dl.TrackingNo, SignedBy: dl.SignedBy, Returned: dl.Returned, At: dl.At.UTC()}
		if dl.ConfirmedAt != nil {
			t := dl.ConfirmedAt.UTC()
			out.Delivery.ConfirmedAt = &t
		}
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
	if c.Rateable() && c.Rating == nil {
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
