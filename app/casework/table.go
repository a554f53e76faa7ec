package casework

// Action is one step of the workflow.
type Action string

// The actions of SPEC §3; ActionSubmit creates a case.
const (
	ActionSubmit         Action = "submit"
	ActionAccept         Action = "accept"
	ActionRequestInfo    Action = "request_info"
	ActionSupplement     Action = "supplement"
	ActionReject         Action = "reject"
	ActionWithdraw       Action = "withdraw"
	ActionPassReview     Action = "pass_review"
	ActionReturnReview   Action = "return_review"
	ActionAssign         Action = "assign"
	ActionStart          Action = "start"
	ActionRecord         Action = "record"
	ActionCoordinate     Action = "coordinate"
	ActionSuspend        Action = "suspend"
	ActionResume         Action = "resume"
	ActionExtend         Action = "extend"
	ActionReassign       Action = "reassign"
	ActionProposeClose   Action = "propose_close"
	ActionSignOff        Action = "sign_off"
	ActionReopen         Action = "reopen"
	ActionDeliver        Action = "deliver"
	ActionConfirmReceipt Action = "confirm_receipt"
	ActionSubmitArchive  Action = "submit_archive"
	ActionArchive        Action = "archive"
	// ActionRate is the timeline entry of a rating (not a transition).
	ActionRate Action = "rate"
)

// Transition is one row of the workflow table.
type Transition struct {
	Action Action
	Label  string
	From   []Status
	// To is the resulting status; empty means the status stays the same.
	To Status
	// Target decides the resulting status from the payload when To is not fixed.
	Target func(c *Case, p Payload) Status
	Roles  []Role
	Fields []Field
	// Guard is a precondition on the case beyond its status: a non-empty
	// message refuses the action as a conflict, and Available leaves it out.
	Guard func(c *Case) string
	// Delegates are roles that may take the action only through a service
	// step that delegates it (Request.Delegated), never through the action
	// endpoint: the administrator hands over a departing specialist's cases.
	Delegates []Role
	// Specialist names the payload field that must be an active specialist
	// (assign, reassign): the caller loads the directory only for these rows.
	Specialist string
	// Public events appear on the enterprise's timeline.
	Public bool
	// PublicFlag names a bool field that decides publicity per event.
	PublicFlag string
	// Check validates payload rules that depend on the case; per-field messages.
	Check func(c *Case, a Actor, p Payload) map[string]string
	// Effect records the action on the case (registration form, deadline …)
	// and may add computed entries to the event payload.
	Effect func(c *Case, a Actor, p Payload, env Env, ev map[string]any) error
}

// The option tables of the action fields; other packages take labels from
// these instead of retyping them.
var (
	LevelOptions  = []Option{{"department", "部门层级"}, {"center", "中心层级"}, {"city", "市级层级"}}
	ResultOptions = []Option{{"completed", "办结"}, {"terminated", "终止"}, {"other", "其他"}}
	MethodOptions = []Option{{"mail", "邮寄送达"}, {"in_person", "当面递交"}}
)

// afterAssignment are the statuses in which a specialist may hold the case
// and that are not final: reassign starts from all of them.
var afterAssignment = []Status{Assigned, InService, Suspended, Closing, Completed, Terminated, Withdrawn,
	Delivering, Delivered, Archiving}

// openStages are the statuses an enterprise may withdraw from (自愿原则).
var openStages = []Status{Submitted, NeedsInfo, Reviewing, MeetingReview, Assigned, InService, Suspended, Closing}

// Table is the whole workflow of SPEC §3, one row per action.
var Table = []Transition{
	{Action: ActionAccept, Label: "受理", From: []Status{Submitted}, To: Reviewing, Roles: []Role{RoleClerk}, Public: true,
		Fields: []Field{
			{Name: "service_type", Label: "服务类型", Kind: KEnum, Enum: ServiceTypeOptions, Required: true, Public: true},
			{Name: "scope", Label: "服务范围", Kind: KEnum, Enum: ScopeOptions, Public: true},
			{Name: "promised_days", Label: "承诺办结时限（工作日）", Kind: KInt, Min: 1, Max: 365, Public: true},
		}, Effect: effectAccept},
	{Action: ActionRequestInfo, Label: "要求补充材料", From: []Status{Submitted, Reviewing}, To: NeedsInfo, Roles: []Role{RoleClerk}, Public: true,
		Fields: []Field{
			{Name: "reason", Label: "原因", Kind: KLongText, Required: true, Public: true},
			{Name: "items", Label: "需补充的材料", Kind: KList, Public: true},
		}, Effect: effectSuspend}, // 补正材料期间不计入承诺时限: the clock stops until the supplement
	// supplement returns the application to review — or, when the window
	// asked for materials before accepting it, to the window (submitted), so
	// that it is still accepted (service type, promised days, deadline).
	{Action: ActionSupplement, Label: "补充材料", From: []Status{NeedsInfo}, Target: targetSupplement, Roles: []Role{RoleEnterprise, RoleClerk}, Public: true,
		Fields: []Field{
			{Name: "note", Label: "补充说明", Kind: KLongText, Public: true},
			{Name: "attachments", Label: "附件", Kind: KList, Public: true},
		}, Effect: effectResume},
	{Action: ActionReject, Label: "不予受理", From: []Status{Submitted, Reviewing, NeedsInfo}, To: Rejected, Roles: []Role{RoleClerk, RoleHead}, Public: true,
		Fields: []Field{{Name: "reason", Label: "原因", Kind: KLongText, Required: true, Public: true}}},
	// withdraw: the enterprise revokes its entrustment at any open stage
	// (自愿原则); after assignment it must say why, and materials handed over
	// are returned through deliver before the case is archived.
	{Action: ActionWithdraw, Label: "撤回申请", From: openStages, To: Withdrawn, Roles: []Role{RoleEnterprise}, Public: true,
		Fields: []Field{{Name: "reason", Label: "撤回原因", Kind: KLongText, Public: true}},
		Check:  checkWithdraw, Effect: effectWithdraw},
	{Action: ActionPassReview, Label: "初审通过", From: []Status{Reviewing}, To: MeetingReview, Roles: []Role{RoleClerk},
		Fields: []Field{
			{Name: "content", Label: "初审内容", Kind: KLongText, Required: true},
			{Name: "materials", Label: "资料清单", Kind: KList, Required: true},
			{Name: "opinion", Label: "初审情况", Kind: KLongText},
		}, Effect: effectPassReview},
	{Action: ActionReturnReview, Label: "退回初审", From: []Status{MeetingReview}, To: Reviewing, Roles: []Role{RoleHead},
		Fields: []Field{{Name: "reason", Label: "退回原因", Kind: KLongText, Required: true}}},
	{Action: ActionAssign, Label: "交办", From: []Status{MeetingReview}, To: Assigned, Roles: []Role{RoleHead}, Public: true,
		Fields: []Field{
			{Name: "opinion", Label: "例会审核意见", Kind: KLongText, Required: true},
			{Name: "meeting_at", Label: "业务例会审核时间", Kind: KTime},
			{Name: "specialist_id", Label: "帮办代办专员", Kind: KID, Required: true},
			{Name: "materials", Label: "交办材料清单", Kind: KList},
		}, Specialist: "specialist_id", Check: checkSpecialist, Effect: effectAssign},
	{Action: ActionStart, Label: "开始服务", From: []Status{Assigned}, To: InService, Roles: []Role{RoleSpecialist}, Public: true,
		Fields: []Field{{Name: "handover", Label: "材料交接清单", Kind: KList, Public: true}},
		Check:  checkHandover, Effect: effectStart},
	{Action: ActionRecord, Label: "跟踪记录", From: []Status{InService, Suspended}, Roles: []Role{RoleSpecialist, RoleLiaison}, PublicFlag: "public",
		Fields: []Field{
			{Name: "note", Label: "记录内容", Kind: KLongText, Required: true, Public: true},
			{Name: "public", Label: "是否向企业公开", Kind: KBool},
		}},
	{Action: ActionCoordinate, Label: "协调", From: []Status{InService}, Roles: []Role{RoleSpecialist},
		Fields: []Field{
			{Name: "level", Label: "协调层级", Kind: KEnum, Enum: LevelOptions, Required: true},
			{Name: "matter", Label: "协调事项", Kind: KLongText, Required: true},
			{Name: "departments", Label: "涉及部门", Kind: KList},
			{Name: "meeting_at", Label: "工作例会时间", Kind: KTime},
			{Name: "outcome", Label: "协调结果", Kind: KLongText},
		}, Effect: effectCoordinate},
	{Action: ActionSuspend, Label: "暂停计时", From: []Status{InService}, To: Suspended, Roles: []Role{RoleSpecialist}, Public: true,
		Fields: []Field{{Name: "reason", Label: "暂停原因", Kind: KLongText, Required: true, Public: true}},
		Effect: effectSuspend},
	{Action: ActionResume, Label: "恢复计时", From: []Status{Suspended}, To: InService, Roles: []Role{RoleSpecialist}, Public: true,
		Fields: []Field{{Name: "reason", Label: "恢复原因", Kind: KLongText, Required: true, Public: true}},
		Effect: effectResume},
	{Action: ActionExtend, Label: "延期", From: []Status{InService, Suspended}, Roles: []Role{RoleHead}, Public: true,
		Fields: []Field{
			{Name: "days", Label: "延长工作日数", Kind: KInt, Min: 1, Max: 365, Required: true, Public: true},
			{Name: "reason", Label: "延期原因", Kind: KLongText, Required: true, Public: true},
		}, Effect: effectExtend},
	// reassign: from every status after assignment that is not final, so a
	// departing specialist's cases never get stuck.
	{Action: ActionReassign, Label: "改派", From: afterAssignment, Roles: []Role{RoleHead}, Public: true,
		Fields: []Field{
			{Name: "specialist_id", Label: "帮办代办专员", Kind: KID, Required: true},
			{Name: "reason", Label: "改派原因", Kind: KLongText, Required: true},
		}, Guard: guardHasSpecialist, Specialist: "specialist_id", Check: checkSpecialist, Effect: effectReassign,
		Delegates: []Role{RoleAdmin}},
	{Action: ActionProposeClose, Label: "提请办结", From: []Status{InService}, To: Closing, Roles: []Role{RoleSpecialist},
		Fields: []Field{
			{Name: "result", Label: "办理结果", Kind: KEnum, Enum: ResultOptions, Required: true},
			{Name: "explanation", Label: "办理说明", Kind: KLongText, Required: true},
		}, Effect: effectProposeClose},
	// sign_off: 办结 → completed; 终止 and 其他 → terminated (no approval
	// result to deliver; materials are returned through deliver). The
	// explanation and the head's opinion are public: the enterprise sees why.
	{Action: ActionSignOff, Label: "审核办结", From: []Status{Closing}, Target: targetSignOff, Roles: []Role{RoleHead}, Public: true,
		Fields: []Field{{Name: "opinion", Label: "办理/终止意见", Kind: KLongText, Required: true}},
		Effect: effectSignOff},
	{Action: ActionReopen, Label: "退回继续办理", From: []Status{Closing}, To: InService, Roles: []Role{RoleHead},
		Fields: []Field{{Name: "reason", Label: "退回原因", Kind: KLongText, Required: true}}},
	// deliver: the result after completed; the return of materials after
	// terminated or a withdrawal after assignment.
	{Action: ActionDeliver, Label: "送达", From: []Status{Completed, Terminated, Withdrawn}, Target: targetDeliver, Roles: []Role{RoleSpecialist}, Public: true,
		Fields: []Field{
			{Name: "method", Label: "送达方式", Kind: KEnum, Enum: MethodOptions, Required: true, Public: true},
			{Name: "tracking_no", Label: "邮寄单号", Kind: KText, Public: true},
			{Name: "signed_by", Label: "签收人", Kind: KText, Public: true},
		}, Guard: guardDeliver, Check: checkDeliver, Effect: effectDeliver},
	// confirm_receipt: the enterprise confirms; a specialist recording the
	// receipt of a mailed delivery must give the tracking proof.
	{Action: ActionConfirmReceipt, Label: "签收确认", From: []Status{Delivering}, To: Delivered, Roles: []Role{RoleEnterprise, RoleSpecialist}, Public: true,
		Fields: []Field{
			{Name: "proof", Label: "签收凭证（快递签收记录）", Kind: KLongText},
			{Name: "attachment_id", Label: "签收凭证附件", Kind: KAttachment},
		}, Check: checkConfirm, Effect: effectConfirm},
	// submit_archive (提交) and archive (归档) are the two steps of the
	// 工作登记表's 归档 section, each with its own time and person.
	{Action: ActionSubmitArchive, Label: "提交归档", From: []Status{Delivered, Terminated, Rejected, Withdrawn}, To: Archiving, Roles: []Role{RoleSpecialist}, Public: true,
		Fields: []Field{{Name: "materials", Label: "归档材料", Kind: KList, Required: true}},
		Guard:  guardMaterialsReturned, Effect: effectSubmitArchive},
	{Action: ActionArchive, Label: "归档", From: []Status{Archiving}, To: Archived, Roles: []Role{RoleClerk, RoleHead}, Public: true,
		Fields: []Field{
			{Name: "materials", Label: "归档材料（核对后）", Kind: KList},
			{Name: "archived_by", Label: "归档人", Kind: KText},
		}, Effect: effectArchive},
}

var byAction = func() map[Action]*Transition {
	m := make(map[Action]*Transition, len(Table))
	for i := range Table {
		m[Table[i].Action] = &Table[i]
	}
	return m
}()

// Lookup returns the row of an action.
func Lookup(a Action) (*Transition, bool) { t, ok := byAction[a]; return t, ok }

// Label is the Chinese name of the action.
func (a Action) Label() string {
	switch a {
	case ActionSubmit:
		return "提交申请"
	case ActionRate:
		return "服务评价"
	}
	if t, ok := byAction[a]; ok {
		return t.Label
	}
	return string(a)
}

// Allows reports whether role r may take the action.
func (t *Transition) Allows(r Role) bool {
	for _, x := range t.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// AllowedFrom reports whether the action may start from status s.
func (t *Transition) AllowedFrom(s Status) bool {
	for _, x := range t.From {
		if x == s {
			return true
		}
	}
	return false
}

// Available lists the actions role r could take on c now.
func Available(c *Case, r Role) []Action {
	var out []Action
	for i := range Table {
		t := &Table[i]
		if t.Allows(r) && t.AllowedFrom(c.Status) && (t.Guard == nil || t.Guard(c) == "") {
			out = append(out, t.Action)
		}
	}
	return out
}

func publicKeys(a Action) map[string]bool {
	keys := map[string]bool{"deadline": true, "specialist": true, "result": a == ActionSignOff || a == ActionDeliver,
		"explanation": a == ActionSignOff, "opinion": a == ActionSignOff}
	if t, ok := byAction[a]; ok {
		for _, f := range t.Fields {
			if f.Public {
				keys[f.Name] = true
			}
		}
	}
	if a == ActionSubmit || a == ActionRate {
		keys["channel"], keys["score"], keys["comment"] = true, true, true
	}
	return keys
}
