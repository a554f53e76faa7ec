package notify

import (
	"fmt"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/members"
)

// enterprisePage opens the enterprise profile in the mini-program.
const enterprisePage = "pages/enterprise/index"

var _ members.Notices = (*Service)(nil)

// MembershipNotice is the notification of a membership decision to the
// enterprise user: an inbox entry and a subscribe message (official-account
// template as fallback), written by the members service in the decision's
// transaction.
func (s *Service) MembershipNotice(n members.Notice) cases.Notification {
	var title, body, status string
	switch n.Event {
	case members.NoticeClaimApproved:
		status, title = "已通过", "企业认证已通过"
		body = fmt.Sprintf("您已通过「%s」（%s）的企业认证，可以查看和办理本企业的申请。", n.EnterpriseName, n.CreditCode)
	case members.NoticeClaimRefused:
		status, title = "未通过", "企业认证未通过"
		body = fmt.Sprintf("您对「%s」（%s）的企业认证未通过：%s。您可以重新上传材料后再次申请，或携带营业执照原件到阳光代办专窗办理。",
			n.EnterpriseName, n.CreditCode, n.Note)
	default:
		status, title = "已撤销", "企业成员资格已撤销"
		body = fmt.Sprintf("您在「%s」（%s）的成员资格已由工作人员撤销：%s。", n.EnterpriseName, n.CreditCode, n.Note)
	}
	to := MemberRecipient(n.MemberID)
	p := map[string]any{"number": n.CreditCode, "project": n.EnterpriseName, "enterprise": n.EnterpriseName,
		"status": status, "note": n.Note, "time": n.At.In(casework.ChinaTime).Format("2006-01-02 15:04"),
		"title": title, "body": body, "page": enterprisePage}
	if n.Note == "" {
		p["note"] = title
	}
	return cases.Notification{Event: n.Event, Recipient: to, Channels: planFor(KindMember), Title: title, Body: body,
		Page: enterprisePage, Payload: p, At: n.At, DedupKey: fmt.Sprintf("%s:claim:%d:%s", n.Event, n.ClaimID, to)}
}
