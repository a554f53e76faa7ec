package backoffice

import (
	"fmt"
	"html/template"

	"sunshine/app/casework"
	"sunshine/app/notify"
)

// eventLabels name the notification events on the admin's pages.
var eventLabels = map[string]string{
	notify.EventAccepted: "已受理", notify.EventNeedsInfo: "需补充材料", notify.EventRejected: "不予受理",
	notify.EventAssigned: "已指派专员", notify.EventStageChanged: "办理阶段变化", notify.EventDelivered: "办结送达",
	notify.EventRatingInvite: "邀请评价", notify.EventClaimApproved: "企业认领通过", notify.EventClaimRefused: "企业认领未通过",
	notify.EventMemberRevoked: "移出企业成员", notify.EventNewCase: "新案件指派", notify.EventSupplemented: "企业已补充材料",
	notify.EventUrged: "企业催办", notify.EventDeadline3: "距时限3个工作日", notify.EventDeadline1: "距时限1个工作日",
	notify.EventOverdue: "已超期", notify.EventLowRating: "低分评价回访", notify.EventMatterDue: "部门事项到期",
	notify.EventHotlineClosed: "热线工单办结回传",
}

var channelLabels = map[string]string{notify.ChannelSubscribe: "小程序订阅消息", notify.TemplateOfficial: "公众号模板消息",
	notify.ChannelWork: "企业微信消息"}

var funcs = template.FuncMap{
	"eventLabel":   func(e string) string { return eventLabels[e] },
	"channelLabel": func(c string) string { return channelLabels[c] },
	"stateLabel":   func(s string) string { return stateLabels[s] },
	"list":         func(v ...string) []string { return v },
	"roleLabel":    func(r casework.Role) string { return r.Label() },
	// percent draws a rate (nil: no sign-off that month).
	"percent": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", *f*100)
	},
	"avg": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", *f)
	},
}
