package staffapi

import (
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/web"
)

// caseSummaryJSON is a case in a staff list: no form, no phone numbers.
type caseSummaryJSON struct {
	web.CaseHead
	Version        int             `json:"version"`
	Channel        string          `json:"channel"`
	ServiceType    string          `json:"service_type"`
	Deadline       *string         `json:"deadline"`
	Overdue        bool            `json:"overdue"`
	EnterpriseName string          `json:"enterprise_name"`
	ProjectName    string          `json:"project_name"`
	Specialist     *specialistJSON `json:"specialist"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

type specialistJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// caseDetailJSON is the full case of SPEC §5 for staff: the form, the
// 工作登记表 sections, the whole timeline (internal events included), the
// rating and the actions this viewer may take now.
type caseDetailJSON struct {
	caseSummaryJSON
	// View is how much of the case the reader gets: full (phones masked;
	// POST /cases/{id}/reveal shows one number, audited), matter (a
	// liaison: project, enterprise name, their department's matters) or
	// archive_pool (a specialist's view of an unassigned rejected or
	// withdrawn case: what archiving needs).
	View           string           `json:"view"`
	Matters        []matterJSON     `json:"matters,omitempty"`
	Scope          string           `json:"scope"`
	PromisedDays   int              `json:"promised_days"`
	AcceptedAt     *time.Time       `json:"accepted_at"`
	RemainingDays  *int             `json:"remaining_days"`
	HotlineOrderNo string           `json:"hotline_order_no,omitempty"`
	Form           web.Form         `json:"form"`
	Registration   registrationJSON `json:"registration"`
	Timeline       []eventJSON      `json:"timeline"`
	Rating         *ratingJSON      `json:"rating"`
	Actions        []actionJSON     `json:"actions"`
	// AllowedActions names the actions of Actions: what the viewer may take
	// now (the forms are in GET /actions).
	AllowedActions []string `json:"allowed_actions"`
	Rateable       bool     `json:"rateable"` // a rating (paper form) may be entered now
}

// registrationJSON is the 工作登记表 (sections named as in the domain).
type registrationJSON struct {
	Consultation *casework.Consultation `json:"consultation"`
	Application  casework.Application   `json:"application"`
	Review       casework.Review        `json:"review"`
	Assignment   casework.Assignment    `json:"assignment"`
	Coordination []casework.Coordinate  `json:"coordination"`
	Closure      casework.Closure       `json:"closure"`
	Delivery     casework.Delivery      `json:"delivery"`
	Archive      casework.ArchiveInfo   `json:"archive"`
	Withdrawal   *casework.Withdrawal   `json:"withdrawal"`
}

type eventJSON struct {
	ID          int64          `json:"id"`
	Action      string         `json:"action"`
	ActionLabel string         `json:"action_label"`
	FromStatus  string         `json:"from_status"`
	Status      string         `json:"status"`
	At          time.Time      `json:"at"`
	Actor       actorJSON      `json:"actor"`
	Public      bool           `json:"public"`
	Payload     map[string]any `json:"payload"`
}

type actorJSON struct {
	ID        int64  `json:"id"`
	Role      string `json:"role"`
	RoleLabel string `json:"role_label"`
	Name      string `json:"name"`
}

type ratingJSON struct {
	Score   int       `json:"score"`
	Label   string    `json:"label"`
	Comment string    `json:"comment"`
	Source  string    `json:"source"`
	At      time.Time `json:"at"`
}

// actionJSON describes an action the viewer may take, with its form fields.
type actionJSON struct {
	Action string      `json:"action"`
	Label  string      `json:"label"`
	Fields []fieldJSON `json:"fields"`
}

type fieldJSON struct {
	Name     string       `json:"name"`
	Label    string       `json:"label"`
	Kind     string       `json:"kind"`
	Required bool         `json:"required"`
	Options  []optionJSON `json:"options,omitempty"`
}

type optionJSON struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

var kindNames = map[casework.Kind]string{casework.KText: "text", casework.KLongText: "long_text", casework.KInt: "int",
	casework.KEnum: "enum", casework.KList: "list", casework.KTime: "time", casework.KBool: "bool", casework.KID: "id",
	casework.KAttachment: "attachment"}

func toCaseSummary(c *casework.Case, now time.Time) caseSummaryJSON {
	out := caseSummaryJSON{CaseHead: web.CaseHeadOf(c), Version: c.Version, Channel: string(c.Channel),
		ServiceType: c.ServiceType, Overdue: c.Overdue(now), EnterpriseName: c.Form.Enterprise.Name,
		ProjectName: c.Form.Project.Name, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if c.Deadline != "" {
		d := c.Deadline
		out.Deadline = &d
	}
	if c.SpecialistID != 0 {
		out.Specialist = &specialistJSON{ID: c.SpecialistID, Name: c.Specialist}
	}
	return out
}

func toCaseDetail(d *cases.Detail, v cases.Viewer, now time.Time) caseDetailJSON {
	c := d.Case
	r := c.Registration
	out := caseDetailJSON{caseSummaryJSON: toCaseSummary(c, now), View: string(d.View), Scope: c.Scope, PromisedDays: c.PromisedDays,
		AcceptedAt: c.AcceptedAt, RemainingDays: c.RemainingDays, HotlineOrderNo: c.HotlineOrder, Form: web.FromForm(c.Form),
		Registration: registrationJSON{Consultation: r.Consultation, Application: r.Application, Review: r.Review,
			Assignment: r.Assignment, Coordination: r.Coordination, Closure: r.Closure, Delivery: r.Delivery, Archive: r.Archive,
			Withdrawal: r.Withdrawal},
		Timeline: make([]eventJSON, len(d.Timeline)), Actions: []actionJSON{}, AllowedActions: []string{},
		Rateable: c.Rateable() && c.Rating == nil}
	if out.Registration.Coordination == nil {
		out.Registration.Coordination = []casework.Coordinate{}
	}
	for i, e := range d.Timeline {
		p := e.Payload
		if p == nil {
			p = map[string]any{}
		}
		out.Timeline[i] = eventJSON{ID: e.ID, Action: string(e.Action), ActionLabel: e.Action.Label(),
			FromStatus: string(e.FromStatus), Status: string(e.Status), At: e.At.UTC(), Public: e.Public, Payload: p,
			Actor: actorJSON{ID: e.ActorID, Role: string(e.ActorRole), RoleLabel: e.ActorRole.Label(), Name: e.ActorName}}
	}
	if c.Rating != nil {
		out.Rating = &ratingJSON{Score: c.Rating.Score, Label: casework.ScoreLabels[c.Rating.Score],
			Comment: c.Rating.Comment, Source: c.Rating.Source, At: c.Rating.At.UTC()}
	}
	if !c.ReadOnly() {
		for _, a := range casework.Available(c, v.Role) {
			t, _ := casework.Lookup(a)
			out.Actions = append(out.Actions, toActionJSON(t))
			out.AllowedActions = append(out.AllowedActions, string(a))
		}
	}
	return out
}

func toActionJSON(t *casework.Transition) actionJSON {
	out := actionJSON{Action: string(t.Action), Label: t.Label, Fields: make([]fieldJSON, len(t.Fields))}
	for i, f := range t.Fields {
		fj := fieldJSON{Name: f.Name, Label: f.Label, Kind: kindNames[f.Kind], Required: f.Required}
		for _, o := range f.Enum {
			fj.Options = append(fj.Options, optionJSON{Value: o.Value, Label: o.Label})
		}
		out.Fields[i] = fj
	}
	return out
}
