// Package caseworktest is the shared test kit of the workflow: a valid
// application form, valid payloads generated from the transition table and
// the path of actions that takes a new case to any status. The tests of
// casework, cases, notify and the staff API use it
// instead of keeping their own copies.
package caseworktest

import (
	"encoding/json"
	"slices"

	"sunshine/app/casework"
)

// CreditCode is the worked example of GB 32100-2015 (checked by hand).
const CreditCode = "91350100M000100Y43"

// Form is a complete, valid 服务申请表 of a 代办 request.
func Form() casework.Form {
	return casework.Form{
		Enterprise: casework.EnterpriseInfo{
			Name: "阳光科技有限公司", Address: "市高新区创业路1号", Nature: "有限责任公司",
			Lead:    casework.Person{Name: "张三", Title: "总经理", Phone: "13800138000"},
			Handler: casework.Person{Name: "李四", Title: "行政主管", Phone: "13900139000"},
			Email:   "contact@example.cn", CreditCode: CreditCode,
		},
		Project: casework.Project{
			Name: "智能制造产业园", Address: "市高新区创业路2号", Code: "2026-350100-39-01-000123",
			TotalInvestment: "12000.50", FundSources: []string{"private"}, FloorArea: "35000",
			LandNature: []string{"transferred"}, KeyProject: "municipal",
			PurposeScale: "厂房及配套用房", Progress: "已取得用地",
		},
		Entrustment: casework.Entrustment{
			Stages: []string{"planning", "construction"}, Matters: "建设工程规划许可证、施工许可证办理",
			ServiceType: "agency",
		},
	}
}

// FormJSON is Form as the JSON object a client sends.
func FormJSON() map[string]any {
	b, err := json.Marshal(Form())
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}

// IDs are the records a payload may name.
type IDs struct {
	SpecialistA, SpecialistB int64 // two active specialists
	Attachment               int64 // an attachment of the case (0: left out)
}

// Payload fills every field of the row with a valid value, so that any
// conditional rule (handover, tracking_no, signed_by, proof) is met as
// well: enums take their first option, specialist ids name A — or B when A
// already holds the case (current).
func Payload(r *casework.Transition, current int64, ids IDs) map[string]any {
	p := map[string]any{}
	for _, f := range r.Fields {
		switch f.Kind {
		case casework.KText:
			p[f.Name] = "文本" + f.Name
		case casework.KLongText:
			p[f.Name] = "说明：" + f.Name
		case casework.KInt:
			p[f.Name] = max(f.Min, 1)
		case casework.KEnum:
			p[f.Name] = f.Enum[0].Value
		case casework.KList:
			p[f.Name] = []string{"材料一", "材料二"}
		case casework.KTime:
			p[f.Name] = "2026-03-02 09:30"
		case casework.KBool:
			p[f.Name] = true
		case casework.KID:
			id := ids.SpecialistA
			if current == ids.SpecialistA {
				id = ids.SpecialistB
			}
			p[f.Name] = id
		case casework.KAttachment:
			if ids.Attachment != 0 {
				p[f.Name] = ids.Attachment
			}
		}
	}
	return p
}

// ToAgency is the path to in_service of a 代办 case whose materials were
// handed over at start: after termination or withdrawal they must be
// returned (deliver) before the case is submitted for archiving.
func ToAgency() []Step {
	return []Step{{casework.ActionAccept, map[string]any{"service_type": "agency"}}, {casework.ActionPassReview, nil},
		{casework.ActionAssign, nil}, {casework.ActionStart, map[string]any{"handover": []string{"营业执照原件", "土地证原件"}}}}
}

// Step is one action on the way to a status; a nil Payload means Payload.
type Step struct {
	Action  casework.Action
	Payload map[string]any
}

// The paths every test drives cases along.
var (
	// accept takes the first service type (帮办) and start hands nothing over,
	// so no materials wait to be returned; see ToAgency for a 代办 case.
	toService = []Step{{casework.ActionAccept, nil}, {casework.ActionPassReview, nil}, {casework.ActionAssign, nil},
		{casework.ActionStart, map[string]any{}}}
	toClosing = append(slices.Clone(toService),
		Step{casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已办结"}})
	toCompleted  = append(slices.Clone(toClosing), Step{casework.ActionSignOff, nil})
	toDelivering = append(slices.Clone(toCompleted),
		Step{casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF100"}})
	toDelivered = append(slices.Clone(toDelivering), Step{casework.ActionConfirmReceipt, map[string]any{}})
	toArchiving = append(slices.Clone(toDelivered),
		Step{casework.ActionSubmitArchive, map[string]any{"materials": []string{"申请表", "登记表"}}})
	// Terminated without materials handed over (帮办): no return needed.
	toTerminated = append(slices.Clone(toService),
		Step{casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "企业放弃"}},
		Step{casework.ActionSignOff, nil})
)

var paths = map[casework.Status][]Step{
	casework.Submitted:     nil,
	casework.NeedsInfo:     {{casework.ActionRequestInfo, nil}},
	casework.Reviewing:     {{casework.ActionAccept, nil}},
	casework.MeetingReview: toService[:2],
	casework.Rejected:      {{casework.ActionReject, nil}},
	// withdrawn after assignment: the specialist still holds it.
	casework.Withdrawn:  append(slices.Clone(toService[:3]), Step{casework.ActionWithdraw, map[string]any{"reason": "企业自行办理"}}),
	casework.Assigned:   toService[:3],
	casework.InService:  toService,
	casework.Suspended:  append(slices.Clone(toService), Step{casework.ActionSuspend, nil}),
	casework.Closing:    toClosing,
	casework.Completed:  toCompleted,
	casework.Terminated: toTerminated,
	casework.Delivering: toDelivering,
	casework.Delivered:  toDelivered,
	casework.Archiving:  toArchiving,
	casework.Archived:   append(slices.Clone(toArchiving), Step{casework.ActionArchive, map[string]any{}}),
}

// PathTo returns the actions that take a new case (submitted) to status s,
// as a 帮办 case with nothing handed over. Each step's actor is the first
// role of its row (confirm_receipt: the enterprise).
func PathTo(s casework.Status) ([]Step, bool) {
	p, ok := paths[s]
	return slices.Clone(p), ok
}
