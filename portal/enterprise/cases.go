package enterprise

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

type statusFilter struct {
	Value, Label string
	Current      bool
}

type casesView struct {
	Rows    []caseRow
	Filters []statusFilter
	Status  string
	Next    int64
}

// statusGroups are the filters of the list: the five stages by their statuses.
var statusGroups = []struct{ value, label string }{
	{"", "全部"}, {"open", "办理中"}, {"needs_info", "待补充材料"}, {"delivering", "待签收"},
	{"delivered,terminated", "待评价/已办结"}, {"archived", "已归档"}, {"withdrawn,rejected", "已撤回/不予受理"},
}

var openStatuses = []casework.Status{casework.Submitted, casework.Reviewing, casework.MeetingReview,
	casework.Assigned, casework.InService, casework.Suspended, casework.Closing, casework.Completed}

// cases is GET /cases?status=&before=: my cases, newest first, filtered by status.
func (h *handlers) cases(c *fiber.Ctx) error {
	m := member(c)
	status := c.Query("status")
	f := cases.Filter{Limit: 21, Before: int64(c.QueryInt("before", 0))}
	if f.Before < 0 {
		f.Before = 0
	}
	known := false
	for _, g := range statusGroups {
		known = known || g.value == status
	}
	if !known {
		status = ""
	}
	switch status {
	case "":
	case "open":
		f.Statuses = openStatuses
	default:
		for _, s := range strings.Split(status, ",") {
			f.Statuses = append(f.Statuses, casework.Status(s))
		}
	}
	list, err := h.d.Cases.List(c.UserContext(), m.Viewer(), f)
	if err != nil {
		return h.site.Fail(c, err)
	}
	v := casesView{Status: status}
	now := h.d.Cases.Now()
	for i := range list {
		if i == 20 {
			v.Next = list[19].ID
			break
		}
		v.Rows = append(v.Rows, rowOf(&list[i], nil, now))
	}
	for _, g := range statusGroups {
		v.Filters = append(v.Filters, statusFilter{g.value, g.label, g.value == status})
	}
	return h.site.Render(c, fiber.StatusOK, "cases", h.site.NewPage(c, "我的案件", v))
}
