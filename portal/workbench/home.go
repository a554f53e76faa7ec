package workbench

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/followup"
)

// queue is one list of the home page.
type queue struct {
	ID    string
	Title string
	Hint  string
	Rows  []caseRow
	More  string // the full list on /staff/cases
}

// homeView is a role's home: its queues and links.
type homeView struct {
	Role      string
	RoleLabel string
	Name      string
	Queues    []queue
	Followups []followup.Task
	// Legend explains the deadline colours (specialist).
	Legend bool
}

// backofficeHomes are the roles whose work lives in the back-office pages.
var backofficeHomes = map[casework.Role]string{
	casework.RoleSupervisor: Prefix + "/dashboard",
	casework.RoleAdmin:      Prefix + "/admin",
	"auditor":               Prefix + "/audit",
}

const queueSize = 50

// home is GET /staff: the signed-in role's daily work.
func (h *handlers) home(c *fiber.Ctx) error {
	u := staff(c)
	if to, ok := backofficeHomes[u.Role]; ok {
		return c.Redirect(to, fiber.StatusSeeOther)
	}
	if u.Role == casework.RoleLiaison {
		return c.Redirect(Prefix+"/matters", fiber.StatusSeeOther)
	}
	v := homeView{Role: string(u.Role), RoleLabel: u.Role.Label(), Name: u.Name}
	add := func(id, title, hint, more string, f cases.Filter) error {
		f.Limit = queueSize
		list, err := h.d.Cases.List(c.UserContext(), viewer(c), f)
		if err != nil {
			return err
		}
		q := queue{ID: id, Title: title, Hint: hint, More: more}
		now := h.d.Cases.Now()
		for i := range list {
			q.Rows = append(q.Rows, h.rowOf(&list[i], now))
		}
		v.Queues = append(v.Queues, q)
		return nil
	}
	st := func(s ...casework.Status) []casework.Status { return s }
	var err error
	switch u.Role {
	case casework.RoleClerk:
		if err = add("intake", "待受理", "企业新提交、补充材料的申请", Prefix+"/cases?status=submitted",
			cases.Filter{Statuses: st(casework.Submitted, casework.NeedsInfo)}); err == nil {
			err = add("review", "待初审", "已受理、待提交业务例会的案件", Prefix+"/cases?status=reviewing",
				cases.Filter{Statuses: st(casework.Reviewing)})
		}
	case casework.RoleHead:
		if err = add("meeting", "例会审核", "初审通过、待业务例会审核并交办", Prefix+"/cases?status=meeting_review",
			cases.Filter{Statuses: st(casework.MeetingReview)}); err != nil {
			break
		}
		if err = add("signoff", "办结/终止审签", "专员申请办结或终止、待负责人签署意见", Prefix+"/cases?status=closing",
			cases.Filter{Statuses: st(casework.Closing)}); err != nil {
			break
		}
		if err = add("extend", "办理中（可延期）", "服务中、暂停中的案件，临近时限的可延期", Prefix+"/cases?status=in_service",
			cases.Filter{Statuses: st(casework.InService, casework.Suspended)}); err != nil {
			break
		}
		if err = add("overdue", "超期督办", "已超过承诺办结时限的案件", Prefix+"/cases?overdue=1",
			cases.Filter{Overdue: true}); err != nil {
			break
		}
		if h.d.Followups != nil {
			v.Followups, err = h.d.Followups.List(c.UserContext(), u.Actor(), followup.Filter{Status: followup.Open, Limit: queueSize})
		}
	case casework.RoleSpecialist:
		v.Legend = true
		err = add("mine", "我的案件", "按承诺办结时限着色：按期、3个工作日内、1个工作日内、已超期", Prefix+"/cases?mine=1",
			cases.Filter{Mine: true})
	}
	if err != nil {
		return h.site.Fail(c, err)
	}
	return h.site.Render(c, fiber.StatusOK, "home", h.site.NewPage(c, "工作台", v))
}
