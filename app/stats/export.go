package stats

import (
	"bytes"
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Export renders the report of r and the whole overdue list as an Excel
// workbook (汇总, 超期案件) and audits the export. Errors: forbidden.
func (s *Service) Export(ctx context.Context, v casework.Actor, r Range) ([]byte, error) {
	if err := s.allow(ctx, v, "stats.export"); err != nil {
		return nil, err
	}
	rep, err := s.report(ctx, v, r)
	if err != nil {
		return nil, err
	}
	var overdue []OverdueLine
	for after := (Cursor{}); ; {
		page, err := s.overdueList(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		overdue = append(overdue, page...)
		if len(page) < 500 || len(overdue) >= 20000 {
			break
		}
		last := page[len(page)-1]
		after = Cursor{Deadline: last.Deadline, ID: last.ID}
	}
	f := excelize.NewFile()
	defer f.Close()
	summary := "汇总"
	f.SetSheetName("Sheet1", summary)
	rows := [][]any{
		{"阳光代办服务统计", rep.Range.From + " 至 " + rep.Range.To},
		{"统计日期", rep.Today},
		{},
		{"受理申请数", rep.Submitted},
		{"办结数", rep.Completed},
		{"终止数", rep.Terminated},
		{"按时办结率", rep.OnTimeRate},
		{"当前超期案件数", rep.OverdueNow},
		{"评价数", rep.RatingCount},
		{"其中纸质评价", rep.PaperRatings},
		{"平均评分", rep.RatingAverage},
		{"满意率（4分及以上）", rep.Satisfied},
		{},
		{"按受理渠道"},
	}
	for _, ch := range casework.Channels {
		rows = append(rows, []any{ch.Label(), rep.ByChannel[ch]})
	}
	rows = append(rows, []any{}, []any{"按当前状态"})
	for _, st := range casework.Statuses {
		rows = append(rows, []any{st.Label(), rep.ByStatus[st]})
	}
	rows = append(rows, []any{}, []any{"按服务阶段"})
	for _, st := range casework.Stages {
		rows = append(rows, []any{st.Label(), rep.ByStage[st]})
	}
	rows = append(rows, []any{}, []any{"按评价结果"})
	for score := 5; score >= 1; score-- {
		rows = append(rows, []any{casework.ScoreLabels[score], rep.Ratings[score]})
	}
	if len(rep.Specialists) > 0 {
		rows = append(rows, []any{}, []any{"帮办代办专员", "在办案件", "其中超期"})
		for _, l := range rep.Specialists {
			rows = append(rows, []any{l.Name, l.Open, l.Overdue})
		}
	}
	if err := writeRows(f, summary, rows); err != nil {
		return nil, err
	}
	sheet := "超期案件"
	if _, err := f.NewSheet(sheet); err != nil {
		return nil, errs.Wrap(errs.Internal, "生成表格失败", err)
	}
	list := [][]any{{"受理编号", "单位名称", "项目名称", "当前状态", "承诺办结日期", "超期（工作日）", "帮办代办专员"}}
	for _, o := range overdue {
		list = append(list, []any{o.Number, o.EnterpriseName, o.ProjectName, o.Status.Label(), o.Deadline, o.DaysOverdue, o.Specialist})
	}
	if err := writeRows(f, sheet, list); err != nil {
		return nil, err
	}
	f.SetColWidth(summary, "A", "A", 24)
	f.SetColWidth(sheet, "A", "G", 20)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, errs.Wrap(errs.Internal, "生成表格失败", err)
	}
	s.record(ctx, v, "stats.export", audit.OK, fmt.Sprintf("%s~%s, %d overdue", r.From, r.To, len(overdue)))
	return buf.Bytes(), nil
}

func writeRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if len(row) == 0 {
			continue
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return errs.Wrap(errs.Internal, "生成表格失败", err)
		}
	}
	return nil
}
