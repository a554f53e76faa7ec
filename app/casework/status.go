package casework

// Status is where a case is in the workflow.
type Status string

// The statuses of SPEC §3.
const (
	Submitted     Status = "submitted"
	NeedsInfo     Status = "needs_info"
	Reviewing     Status = "reviewing"
	MeetingReview Status = "meeting_review"
	Rejected      Status = "rejected"
	Withdrawn     Status = "withdrawn"
	Assigned      Status = "assigned"
	InService     Status = "in_service"
	Suspended     Status = "suspended"
	Closing       Status = "closing"
	Completed     Status = "completed"
	Terminated    Status = "terminated"
	Delivering    Status = "delivering"
	Delivered     Status = "delivered"
	Archiving     Status = "archiving" // submitted for archiving (提交), waiting for 归档
	Archived      Status = "archived"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{
	Submitted, NeedsInfo, Reviewing, MeetingReview, Rejected, Withdrawn,
	Assigned, InService, Suspended, Closing, Completed, Terminated,
	Delivering, Delivered, Archiving, Archived,
}

var statusLabels = map[Status]string{
	Submitted:     "已提交",
	NeedsInfo:     "待补充材料",
	Reviewing:     "初审中",
	MeetingReview: "业务例会审核",
	Rejected:      "不予受理",
	Withdrawn:     "已撤回",
	Assigned:      "已交办",
	InService:     "服务中",
	Suspended:     "已暂停",
	Closing:       "待审核办结",
	Completed:     "已办结",
	Terminated:    "已终止",
	Delivering:    "送达中",
	Delivered:     "已送达",
	Archiving:     "待归档",
	Archived:      "已归档",
}

// Label is the Chinese name of the status.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Stage is one of the five enterprise-facing stages of the guideline.
type Stage string

// The five stages: 前台受理, 跟踪服务, 办结送达, 事后评价, 资料归档.
const (
	StageIntake     Stage = "intake"
	StageTracking   Stage = "tracking"
	StageDelivery   Stage = "delivery"
	StageEvaluation Stage = "evaluation"
	StageArchive    Stage = "archive"
)

// Stages lists the stages in order.
var Stages = []Stage{StageIntake, StageTracking, StageDelivery, StageEvaluation, StageArchive}

var stageOf = map[Status]Stage{
	Submitted: StageIntake, NeedsInfo: StageIntake, Reviewing: StageIntake,
	MeetingReview: StageIntake, Rejected: StageIntake, Withdrawn: StageIntake,
	Assigned: StageTracking, InService: StageTracking, Suspended: StageTracking, Closing: StageTracking,
	Completed: StageDelivery, Delivering: StageDelivery,
	Delivered: StageEvaluation, Terminated: StageEvaluation,
	Archiving: StageArchive, Archived: StageArchive,
}

var stageLabels = map[Stage]string{
	StageIntake: "前台受理", StageTracking: "跟踪服务", StageDelivery: "办结送达",
	StageEvaluation: "事后评价", StageArchive: "资料归档",
}

// StageOf maps a status to its enterprise-facing stage.
func StageOf(s Status) Stage { return stageOf[s] }

// Label is the Chinese name of the stage.
func (s Stage) Label() string { return stageLabels[s] }

// ClockRunning reports whether the deadline clock runs in status s: from
// acceptance until the head signs off, except while suspended and while the
// enterprise supplements materials (补正期间不计入承诺时限).
func ClockRunning(s Status) bool {
	switch s {
	case Reviewing, MeetingReview, Assigned, InService, Closing:
		return true
	}
	return false
}

// Served reports whether the center served the case to its end: the head
// signed off a closure (办结, 终止 or 其他). Rejected and withdrawn cases were
// not served, whatever happened to them afterwards.
func (c *Case) Served() bool { return c.Registration.Closure.SignedAt != nil }

// Rateable reports whether the case may be rated now: served, and delivered
// (办结) or terminated (终止/其他, also during the return of materials),
// also once submitted for archiving or archived.
func (c *Case) Rateable() bool {
	if !c.Served() {
		return false
	}
	switch c.Status {
	case Delivered, Archiving, Archived:
		return true
	case Terminated, Delivering:
		return c.Registration.Closure.Result != "completed"
	}
	return false
}

// Open reports whether the case is still being worked on (not finished).
func Open(s Status) bool {
	switch s {
	case Rejected, Withdrawn, Completed, Terminated, Delivering, Delivered, Archiving, Archived:
		return false
	}
	return true
}

// Holding reports whether the specialist is working on the case (跟踪服务).
func Holding(s Status) bool {
	return StageOf(s) == StageTracking
}

// AwaitingArchive reports whether a case nobody was assigned to is waiting
// for (or went through) archiving: the pool every specialist sees.
func AwaitingArchive(s Status) bool {
	switch s {
	case Rejected, Withdrawn, Archiving, Archived:
		return true
	}
	return false
}

// StatusNames lists, in workflow order, the names of the statuses for
// which keep is true: the status lists storage puts into SQL.
func StatusNames(keep func(Status) bool) []string {
	var out []string
	for _, s := range Statuses {
		if keep(s) {
			out = append(out, string(s))
		}
	}
	return out
}
