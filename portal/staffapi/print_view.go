package staffapi

import (
	"strconv"
	"strings"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// The view models of the printable forms: every value already formatted as
// the paper form shows it. They are built from the case only.

// box is one checkbox of a paper form.
type box struct {
	Label   string
	Checked bool
}

func boxes(opts []casework.Option, chosen ...string) []box {
	out := make([]box, len(opts))
	for i, o := range opts {
		out[i] = box{Label: o.Label}
		for _, c := range chosen {
			if c == o.Value {
				out[i].Checked = true
			}
		}
	}
	return out
}

// printHeader is what both forms show above the table.
type printHeader struct {
	Number      string
	Channel     string
	Status      string
	PrintedAt   string
	CreditCode  string
	ServiceType []box
}

func header(c *casework.Case, now time.Time) printHeader {
	st := c.ServiceType
	if st == "" {
		st = c.Form.Entrustment.ServiceType
	}
	return printHeader{Number: c.Number, Channel: c.Channel.Label(), Status: c.Status.Label(),
		PrintedAt: stamp(&now), CreditCode: c.Form.Enterprise.CreditCode, ServiceType: boxes(casework.ServiceTypeOptions, st)}
}

// applicationView is the 服务申请表.
type applicationView struct {
	printHeader
	Form                           casework.Form
	FundSources, LandNature        []box
	KeyProject, KeyNone, Stages    []box
	FundOther, LandOther, KeyOther string
	StagesOther                    string
}

func newApplicationView(d *cases.Detail, now time.Time) applicationView {
	f := d.Case.Form
	p := f.Project
	return applicationView{
		printHeader: header(d.Case, now), Form: f,
		FundSources: boxes(casework.FundSourceOptions, p.FundSources...), FundOther: p.FundSourceOther,
		LandNature: boxes(casework.LandNatureOptions, p.LandNature...), LandOther: p.LandNatureOther,
		KeyProject: boxes(casework.KeyProjectOptions[:3], p.KeyProject), KeyOther: p.KeyProjectOther,
		KeyNone: boxes(casework.KeyProjectOptions[3:], p.KeyProject),
		Stages:  boxes(casework.StageOptions, f.Entrustment.Stages...), StagesOther: f.Entrustment.StagesOther,
	}
}

// coordRow is one line of the 协调 section.
type coordRow struct{ Level, At, Matter string }

// registrationView is the 工作登记表.
type registrationView struct {
	printHeader
	Project      string
	Consult      casework.Consultation
	ConsultAt    string
	Apply        casework.Application
	ApplyAt      string
	ApplyRecord  []string
	Review       casework.Review
	ReviewAt     string
	MeetingAt    string
	Assign       casework.Assignment
	AssignAt     string
	AssignItems  []string
	Specialist   string
	Stage        string
	Coordination []coordRow
	Meetings     []string
	Closure      casework.Closure
	Results      []box
	ClosedAt     string
	SignedAt     string
	Ratings      []box
	RatingNote   string
	Archive      casework.ArchiveInfo
	SubmittedAt  string
	ArchivedAt   string
	// 送达 (issue 12 (8)): method, tracking number or signer, confirmation.
	Delivery    casework.Delivery
	Methods     []box
	Returned    bool
	DeliveredAt string
	ConfirmedAt string
}

var levelLabels = func() map[string]string {
	m := map[string]string{}
	for _, o := range casework.LevelOptions {
		m[o.Value] = o.Label
	}
	return m
}()

// scoreOptions are the five 评价结果 in the paper's order.
var scoreOptions = []casework.Option{{Value: "5", Label: "非常满意"}, {Value: "4", Label: "满意"},
	{Value: "3", Label: "基本满意"}, {Value: "2", Label: "不满意"}, {Value: "1", Label: "非常不满意"}}

func newRegistrationView(d *cases.Detail, now time.Time) registrationView {
	c, r := d.Case, d.Case.Registration
	v := registrationView{
		printHeader: header(c, now),
		Apply:       r.Application, ApplyAt: stamp(&r.Application.At),
		Review: r.Review, ReviewAt: stamp(r.Review.At), MeetingAt: stamp(r.Review.MeetingAt),
		Assign: r.Assignment, AssignAt: stamp(r.Assignment.At),
		AssignItems: append(append([]string{}, r.Assignment.Materials...), prefixed("交接：", r.Assignment.Handover)...),
		Specialist:  first(r.Assignment.Specialist, c.Specialist),
		Stage:       c.Stage().Label() + "（" + c.Status.Label() + "）",
		Closure:     r.Closure, Results: boxes(casework.ResultOptions, r.Closure.Result),
		ClosedAt: stamp(r.Closure.At), SignedAt: stamp(r.Closure.SignedAt),
		Archive: r.Archive, SubmittedAt: stamp(r.Archive.SubmittedAt), ArchivedAt: stamp(r.Archive.At),
		Delivery: r.Delivery, Methods: boxes(casework.MethodOptions, r.Delivery.Method), Returned: r.Delivery.Returned,
		DeliveredAt: stamp(r.Delivery.At), ConfirmedAt: stamp(r.Delivery.ConfirmedAt),
	}
	if r.Consultation != nil {
		v.Consult, v.ConsultAt = *r.Consultation, stamp(&r.Consultation.At)
		v.Project = first(r.Consultation.Project, c.Form.Project.Name)
	}
	if r.Application.Record != "" {
		v.ApplyRecord = append(v.ApplyRecord, r.Application.Record)
	}
	// The back and forth before review is part of the application record.
	for _, e := range d.Timeline {
		switch e.Action {
		case casework.ActionRequestInfo, casework.ActionSupplement, casework.ActionReject, casework.ActionWithdraw:
			line := stamp(&e.At) + " " + e.Action.Label()
			for _, k := range []string{"reason", "note"} {
				if s, ok := e.Payload[k].(string); ok && s != "" {
					line += "：" + s
				}
			}
			v.ApplyRecord = append(v.ApplyRecord, line)
		}
	}
	for _, co := range r.Coordination {
		matter := co.Matter
		if len(co.Departments) > 0 {
			matter += "（涉及：" + strings.Join(co.Departments, "、") + "）"
		}
		if co.Outcome != "" {
			matter += "；结果：" + co.Outcome
		}
		v.Coordination = append(v.Coordination, coordRow{Level: first(levelLabels[co.Level], co.Level), At: stamp(&co.At), Matter: matter})
		if co.MeetingAt != nil {
			v.Meetings = append(v.Meetings, stamp(co.MeetingAt)+" "+co.Matter)
		}
	}
	for len(v.Coordination) < 2 {
		v.Coordination = append(v.Coordination, coordRow{})
	}
	score := ""
	if c.Rating != nil {
		score = strconv.Itoa(c.Rating.Score)
		v.RatingNote = c.Rating.Comment
	}
	v.Ratings = boxes(scoreOptions, score)
	return v
}

// receiptView is the 送达回证 (guideline 八(三)): what was delivered to
// whom, with the lines the enterprise signs when it is handed over.
type receiptView struct {
	printHeader
	Enterprise  string
	Project     string
	Contact     string
	Result      string
	Returned    bool
	Items       []string
	Delivery    casework.Delivery
	Methods     []box
	DeliveredAt string
	Specialist  string
}

func newReceiptView(d *cases.Detail, now time.Time) receiptView {
	c, r := d.Case, d.Case.Registration
	v := receiptView{printHeader: header(c, now), Enterprise: c.Form.Enterprise.Name, Project: c.Form.Project.Name,
		Contact: r.Application.Contact, Result: casework.OptionLabel(casework.ResultOptions, r.Closure.Result),
		Returned: r.Delivery.Returned, Delivery: r.Delivery, Methods: boxes(casework.MethodOptions, r.Delivery.Method),
		DeliveredAt: stamp(r.Delivery.At), Specialist: first(r.Assignment.Specialist, c.Specialist)}
	if r.Withdrawal != nil && r.Closure.Result == "" {
		v.Result = "企业撤回"
	}
	// What goes back: the originals handed over; for a completed case the
	// approval documents (批文、证件及有关资料).
	v.Items = append(v.Items, r.Assignment.Handover...)
	if !r.Delivery.Returned {
		v.Items = append([]string{"审批结果（批文、证件及有关资料）"}, v.Items...)
	}
	for len(v.Items) < 4 {
		v.Items = append(v.Items, "")
	}
	return v
}

// stamp formats a time as the form shows it (China time), "" for nil/zero.
func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(casework.ChinaTime).Format("2006-01-02 15:04")
}

func prefixed(p string, l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = p + s
	}
	return out
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
