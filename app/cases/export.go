package cases

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// ExportLimit is the most cases one list export holds.
const ExportLimit = 10000

// Export renders the list the viewer sees with filter f (every page of
// it, in the list's order) as an Excel workbook and audits the export with
// its filter. Case headers only: no form, no phone number. Roles without
// case access (supervisor, admin, auditor) are refused. Errors: forbidden,
// invalid (more than ExportLimit cases).
func (s *Service) Export(ctx context.Context, v Viewer, f Filter) ([]byte, int, error) {
	scoped, err := s.ScopeFilter(ctx, v, f)
	if err != nil {
		return nil, 0, err
	}
	scoped.Today = casework.DateOf(s.now())
	var all []casework.Case
	for {
		scoped.Limit = 500
		page, err := s.store.ListCases(ctx, scoped)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, page...)
		if len(all) > ExportLimit {
			s.auditOutsideRaw(ctx, v, "case.export", "", audit.Denied, "too many: "+describe(f))
			return nil, 0, errs.Ef(errs.Invalid, "导出最多%d条，请缩小筛选范围", ExportLimit)
		}
		if len(page) < scoped.Limit {
			break
		}
		last := page[len(page)-1]
		switch scoped.Sort {
		case SortDeadline:
			scoped.After = Position{Deadline: last.Deadline, ID: last.ID}
		case SortUpdated:
			scoped.After = Position{Updated: last.UpdatedAt, ID: last.ID}
		default:
			scoped.Before = last.ID
		}
	}
	b, err := exportBook(all, s.now)
	if err != nil {
		return nil, 0, err
	}
	s.auditOutsideRaw(ctx, v, "case.export", "", audit.OK, fmt.Sprintf("%d cases; %s", len(all), describe(f)))
	return b, len(all), nil
}

// describe writes the filter of an export for the audit trail.
func describe(f Filter) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	var st []string
	for _, x := range f.Statuses {
		st = append(st, string(x))
	}
	add("status", strings.Join(st, ","))
	add("q", f.Q)
	add("channel", string(f.Channel))
	add("service_type", f.ServiceType)
	if f.AssignedTo != 0 {
		add("specialist", fmt.Sprint(f.AssignedTo))
	}
	add("deadline_from", f.DeadlineFrom)
	add("deadline_to", f.DeadlineTo)
	if f.Overdue {
		add("overdue", "true")
	}
	if f.Mine {
		add("mine", "true")
	}
	add("sort", string(f.Sort))
	return strings.Join(parts, " ")
}

// exportBook writes one sheet 案件列表 with a header row.
func exportBook(list []casework.Case, now func() time.Time) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "案件列表"
	x.SetSheetName("Sheet1", sheet)
	head := []any{"受理编号", "单位名称", "统一社会信用代码", "项目名称", "受理渠道", "服务类型", "状态", "阶段",
		"承诺办结时限", "是否超期", "帮办代办专员", "提交时间", "最后更新"}
	if err := x.SetSheetRow(sheet, "A1", &head); err != nil {
		return nil, err
	}
	at := now()
	for i := range list {
		c := &list[i]
		st := casework.OptionLabel(casework.ServiceTypeOptions, c.ServiceType)
		overdue := "否"
		if c.Overdue(at) {
			overdue = "是"
		}
		row := []any{c.Number, c.Form.Enterprise.Name, c.Form.Enterprise.CreditCode, c.Form.Project.Name,
			c.Channel.Label(), st, c.Status.Label(), c.Stage().Label(), c.Deadline, overdue, c.Specialist,
			c.CreatedAt.In(casework.ChinaTime).Format("2006-01-02 15:04"),
			c.UpdatedAt.In(casework.ChinaTime).Format("2006-01-02 15:04")}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
