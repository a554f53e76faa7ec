package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sunshine/app/casework"
)

// note is one message before it is addressed: the inbox text and the
// payload values that templates and the Work WeChat text show.
type note struct {
	event     string
	title     string
	body      string
	values    map[string]any
	notBefore time.Time
}

// casePage opens the case in the mini-program.
func casePage(id int64) string { return "pages/case/detail?id=" + strconv.FormatInt(id, 10) }

func project(c *casework.Case) string {
	if p := strings.TrimSpace(c.Form.Project.Name); p != "" {
		return p
	}
	return "帮办代办申请"
}

// baseValues are the payload values every message of a case carries.
func baseValues(c *casework.Case, at time.Time) map[string]any {
	return map[string]any{
		"case_id": c.ID, "number": c.Number, "project": project(c), "enterprise": c.Form.Enterprise.Name,
		"status": c.Status.Label(), "stage": c.Stage().Label(), "deadline": c.Deadline,
		"specialist": c.Specialist, "time": at.In(casework.ChinaTime).Format("2006-01-02 15:04"),
	}
}

func (n note) with(kv ...any) note {
	if n.values == nil {
		n.values = map[string]any{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		n.values[kv[i].(string)] = kv[i+1]
	}
	return n
}

// ref names a case in a sentence: 「project」（受理编号 number）.
func ref(c *casework.Case) string {
	return fmt.Sprintf("「%s」（受理编号 %s）", project(c), c.Number)
}

func str(p map[string]any, k string) string {
	if v, ok := p[k]; ok && v != nil {
		return strings.TrimSpace(fmt.Sprint(v))
	}
	return ""
}

func list(p map[string]any, k string) string {
	switch v := p[k].(type) {
	case []string:
		return strings.Join(v, "、")
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, "、")
	}
	return str(p, k)
}

func msgAccepted(c *casework.Case) note {
	st := casework.OptionLabel(casework.ServiceTypeOptions, c.ServiceType)
	return note{event: EventAccepted, title: "申请已受理",
		body: fmt.Sprintf("您提交的%s帮办代办申请已受理，服务类型：%s，承诺办结时限：%s。", ref(c), st, c.Deadline)}.
		with("note", "承诺于"+c.Deadline+"前办结", "status", "已受理")
}

func msgNeedsInfo(c *casework.Case, ev *casework.Event) note {
	reason, items := str(ev.Payload, "reason"), list(ev.Payload, "items")
	body := fmt.Sprintf("您提交的%s需要补充材料。原因：%s。", ref(c), reason)
	if items != "" {
		body += "需补充：" + items + "。"
	}
	return note{event: EventNeedsInfo, title: "请补充材料", body: body + "请在小程序中提交补充材料。"}.with("note", reason, "status", "待补充材料")
}

func msgRejected(c *casework.Case, ev *casework.Event) note {
	reason := str(ev.Payload, "reason")
	return note{event: EventRejected, title: "申请不予受理",
		body: fmt.Sprintf("很抱歉，您提交的%s不予受理。原因：%s。如有疑问请联系阳光代办专窗。", ref(c), reason)}.
		with("note", reason, "status", "不予受理")
}

func msgAssigned(c *casework.Case) note {
	return note{event: EventAssigned, title: "已安排帮办代办专员",
		body: fmt.Sprintf("您的%s已交办给帮办代办专员%s，专员将尽快与您联系。", ref(c), c.Specialist)}.
		with("note", "帮办代办专员："+c.Specialist, "status", "已交办")
}

func msgStage(c *casework.Case) note {
	return note{event: EventStageChanged, title: "办理进度更新",
		body: fmt.Sprintf("您的%s已进入「%s」阶段，当前状态：%s。", ref(c), c.Stage().Label(), c.Status.Label())}.
		with("note", "进入"+c.Stage().Label()+"阶段")
}

func msgDelivered(c *casework.Case) note {
	d := c.Registration.Delivery
	result := casework.OptionLabel(casework.ResultOptions, c.Registration.Closure.Result)
	method := casework.OptionLabel(casework.MethodOptions, d.Method)
	body := fmt.Sprintf("您的%s已办结（办理结果：%s），审批结果（批文、证件及有关资料）送达方式：%s", ref(c), result, method)
	if d.Returned {
		// The return of materials after a termination or a withdrawal.
		if result == "" {
			result = "已撤回"
		}
		body = fmt.Sprintf("您的%s交接的材料已退还（%s），退还方式：%s", ref(c), result, method)
	}
	n := note{event: EventDelivered, title: "办结送达通知"}
	if d.Method == "mail" {
		body += "，邮寄单号：" + d.TrackingNo + "。收到后请在小程序中确认签收。"
		n = n.with("note", "已邮寄，请注意查收")
	} else {
		body += "，签收人：" + d.SignedBy + "。"
		n = n.with("note", "已当面递交")
	}
	n.body = body
	return n.with("result", result, "method", method, "tracking_no", d.TrackingNo)
}

// msgDeadlineChanged tells the enterprise of an extension, a suspension or
// a resumption, with the reason and the new deadline.
func msgDeadlineChanged(c *casework.Case, ev *casework.Event) note {
	reason := str(ev.Payload, "reason")
	var body, status string
	switch ev.Action {
	case casework.ActionExtend:
		body = fmt.Sprintf("您的%s办理时限已延长%s个工作日，新的承诺办结时限：%s。延期原因：%s。", ref(c), str(ev.Payload, "days"), c.Deadline, reason)
		status = "已延期"
	case casework.ActionSuspend:
		left := ""
		if c.RemainingDays != nil {
			left = fmt.Sprintf("（剩余%d个工作日，恢复后顺延）", *c.RemainingDays)
		}
		body = fmt.Sprintf("您的%s已暂停计时%s。暂停原因：%s。", ref(c), left, reason)
		status = casework.Suspended.Label()
	default:
		body = fmt.Sprintf("您的%s已恢复办理，新的承诺办结时限：%s。恢复原因：%s。", ref(c), c.Deadline, reason)
		status = "已恢复"
	}
	return note{event: EventDeadlineChanged, title: "办理时限变更", body: body}.with("note", reason, "status", status)
}

// msgTerminated tells the enterprise why its case was closed without a
// result (终止 or 其他) and what the head decided.
func msgTerminated(c *casework.Case) note {
	cl := c.Registration.Closure
	result := casework.OptionLabel(casework.ResultOptions, cl.Result)
	body := fmt.Sprintf("您的%s已%s。说明：%s。中心意见：%s。", ref(c), result, cl.Explanation, cl.Opinion)
	if len(c.Registration.Assignment.Handover) > 0 {
		body += "您交接的材料将由帮办代办专员退还。"
	}
	return note{event: EventTerminated, title: "服务已" + result, body: body}.with("note", cl.Explanation, "status", result, "result", result)
}

// msgWithdrawn tells the specialist and the head that the enterprise
// withdrew an assigned case.
func msgWithdrawn(c *casework.Case, ev *casework.Event) note {
	body := fmt.Sprintf("企业已撤回案件 %s（%s），撤回原因：%s。", c.Number, project(c), str(ev.Payload, "reason"))
	if len(c.Registration.Assignment.Handover) > 0 {
		body += "请将交接的材料退还企业（送达）后再提交归档。"
	}
	return note{event: EventWithdrawn, title: "企业撤回委托", body: body}
}

// msgReassignedAway tells the previous specialist that the case moved on.
func msgReassignedAway(c *casework.Case, ev *casework.Event) note {
	return note{event: EventReassigned, title: "案件已改派",
		body: fmt.Sprintf("案件 %s（%s）已改派给%s，原因：%s。", c.Number, project(c), c.Specialist, str(ev.Payload, "reason"))}
}

// msgDeliveryUnconfirmed reminds the specialist of a mailed delivery that
// nobody confirmed.
func msgDeliveryUnconfirmed(c *casework.Case, days int) note {
	return note{event: EventDeliveryUnconfirmed, title: "邮寄送达未确认签收",
		body: fmt.Sprintf("案件 %s（%s）已邮寄送达 %d 个工作日（单号 %s），企业仍未确认签收。请核实快递签收情况，并在系统中登记签收及凭证。",
			c.Number, project(c), days, c.Registration.Delivery.TrackingNo)}
}

func msgRatingInvite(c *casework.Case) note {
	return note{event: EventRatingInvite, title: "邀请您评价本次服务",
		body: fmt.Sprintf("您的%s的帮办代办服务已结束，请在小程序中对本次服务进行评价，您的意见将帮助我们改进。", ref(c))}.
		with("note", "请对本次服务进行评价")
}

func msgNewCase(c *casework.Case) note {
	return note{event: EventNewCase, title: "新交办案件",
		body: fmt.Sprintf("您有新交办的案件：%s，企业：%s，项目：%s，承诺办结时限：%s。请及时联系企业开展服务。",
			c.Number, c.Form.Enterprise.Name, project(c), c.Deadline)}
}

func msgSupplemented(c *casework.Case, ev *casework.Event) note {
	body := fmt.Sprintf("案件 %s（%s）的企业已补充材料", c.Number, project(c))
	if n := str(ev.Payload, "note"); n != "" {
		body += "，说明：" + n
	}
	return note{event: EventSupplemented, title: "企业已补充材料", body: body + "。请及时审核。"}
}

func msgUrged(c *casework.Case, overdue bool) note {
	extra := ""
	if overdue {
		extra = "（该案件已超过承诺办结时限 " + c.Deadline + "）"
	}
	return note{event: EventUrged, title: "企业催办",
		body: fmt.Sprintf("企业对案件 %s（%s）进行了催办%s，请尽快跟进并与企业联系。", c.Number, project(c), extra)}
}

func msgDeadline(event string, c *casework.Case, left int) note {
	return note{event: event, title: "案件即将到期",
		body: fmt.Sprintf("案件 %s（%s）距承诺办结时限 %s 还有 %d 个工作日，请抓紧办理。", c.Number, project(c), c.Deadline, left)}
}

func msgOverdue(c *casework.Case, late int) note {
	return note{event: EventOverdue, title: "案件已超期",
		body: fmt.Sprintf("案件 %s（%s）已超过承诺办结时限 %s（超期 %d 个工作日），请尽快办理。", c.Number, project(c), c.Deadline, late)}
}

func msgLowRating(c *casework.Case) note {
	r := c.Rating
	body := fmt.Sprintf("案件 %s（%s）收到 %d 分评价（%s）", c.Number, project(c), r.Score, casework.ScoreLabels[r.Score])
	if r.Comment != "" {
		body += "：" + r.Comment
	}
	return note{event: EventLowRating, title: "低分评价待回访", body: body + "。请安排回访并记录结果。"}.with("score", r.Score)
}

func msgMatterDue(m Matter) note {
	return note{event: EventMatterDue, title: "审批事项即将到期",
		body: fmt.Sprintf("事项「%s」（案件 %s，项目 %s）办理时限为 %s，请及时办理并反馈审批进度。", m.Name, m.CaseNumber, m.Project, m.Deadline)}
}
