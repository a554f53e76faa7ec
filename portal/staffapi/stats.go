package staffapi

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/stats"
	"sunshine/app/web"
)

// statsRoutes registers the statistics of the head and the supervising
// bureau (behind requireStaff, see staffRoutes).
func (h *handlers) statsRoutes(app *fiber.App) {
	if h.d.Stats == nil {
		return
	}
	api := app.Group("/api/staff/v1")
	api.Get("/stats", h.statsReport)
	api.Get("/stats/series", h.statsSeries)
	api.Get("/stats/overdue", h.statsOverdue)
	api.Get("/stats/export.xlsx", h.statsExport)
}

type countJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type statsJSON struct {
	From        string      `json:"from"`
	To          string      `json:"to"`
	Today       string      `json:"today"`
	Submitted   int         `json:"submitted"`
	ByStatus    []countJSON `json:"by_status"`
	ByStage     []countJSON `json:"by_stage"`
	ByChannel   []countJSON `json:"by_channel"`
	ByService   []countJSON `json:"by_service_type"`
	SignedOff   signedJSON  `json:"signed_off"`
	Ratings     ratingsJSON `json:"ratings"`
	OverdueNow  int         `json:"overdue_now"`
	Specialists []loadJSON  `json:"specialists,omitempty"`
}

type signedJSON struct {
	Completed  int     `json:"completed"`
	Terminated int     `json:"terminated"`
	OnTime     int     `json:"on_time"`
	OnTimeRate float64 `json:"on_time_rate"`
}

type ratingsJSON struct {
	Count     int         `json:"count"`
	Paper     int         `json:"paper"` // of count, entered from the paper form
	Average   float64     `json:"average"`
	Satisfied float64     `json:"satisfied_rate"`
	ByScore   []countJSON `json:"by_score"`
}

type loadJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
}

type overdueJSON struct {
	ID             int64  `json:"id"`
	Number         string `json:"number"`
	EnterpriseName string `json:"enterprise_name"`
	ProjectName    string `json:"project_name"`
	Status         string `json:"status"`
	StatusLabel    string `json:"status_label"`
	Deadline       string `json:"deadline"`
	DaysOverdue    int    `json:"days_overdue"`
	Specialist     string `json:"specialist"`
}

func toStatsJSON(r *stats.Report) statsJSON {
	out := statsJSON{From: r.Range.From, To: r.Range.To, Today: r.Today, Submitted: r.Submitted, OverdueNow: r.OverdueNow,
		SignedOff: signedJSON{Completed: r.Completed, Terminated: r.Terminated, OnTime: r.OnTime, OnTimeRate: r.OnTimeRate},
		Ratings:   ratingsJSON{Count: r.RatingCount, Paper: r.PaperRatings, Average: r.RatingAverage, Satisfied: r.Satisfied}}
	for _, s := range casework.Statuses {
		out.ByStatus = append(out.ByStatus, countJSON{string(s), s.Label(), r.ByStatus[s]})
	}
	for _, s := range casework.Stages {
		out.ByStage = append(out.ByStage, countJSON{string(s), s.Label(), r.ByStage[s]})
	}
	for _, ch := range casework.Channels {
		out.ByChannel = append(out.ByChannel, countJSON{string(ch), ch.Label(), r.ByChannel[ch]})
	}
	for _, o := range append(casework.ServiceTypeOptions, casework.Option{Value: "undecided", Label: "未定"}) {
		out.ByService = append(out.ByService, countJSON{o.Value, o.Label, r.ByServiceType[o.Value]})
	}
	for score := 5; score >= 1; score-- {
		out.Ratings.ByScore = append(out.Ratings.ByScore, countJSON{strconv.Itoa(score), casework.ScoreLabels[score], r.Ratings[score]})
	}
	for _, l := range r.Specialists {
		out.Specialists = append(out.Specialists, loadJSON{l.SpecialistID, l.Name, l.Open, l.Overdue})
	}
	return out
}

// statsReport is GET /stats?from=&to= (head, supervisor).
func (h *handlers) statsReport(c *fiber.Ctx) error {
	r, err := h.d.Stats.ParseRange(c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	rep, err := h.d.Stats.Report(c.UserContext(), viewerOf(c).Actor, r)
	if err != nil {
		return err
	}
	return c.JSON(toStatsJSON(rep))
}

// statsOverdue is GET /stats/overdue?cursor=&limit= (head, supervisor):
// the overdue list, oldest deadline first.
func (h *handlers) statsOverdue(c *fiber.Ctx) error {
	after, err := overdueCursor(c.Query("cursor"))
	if err != nil {
		return err
	}
	limit, err := queryLimit(c)
	if err != nil {
		return err
	}
	rows, err := h.d.Stats.OverdueList(c.UserContext(), viewerOf(c).Actor, after, limit+1)
	if err != nil {
		return err
	}
	out := web.List[overdueJSON]{Items: []overdueJSON{}}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		next := base64.RawURLEncoding.EncodeToString([]byte("v1:" + last.Deadline + ":" + strconv.FormatInt(last.ID, 10)))
		out.Next = &next
	}
	for _, o := range rows {
		out.Items = append(out.Items, overdueJSON{ID: o.ID, Number: o.Number, EnterpriseName: o.EnterpriseName,
			ProjectName: o.ProjectName, Status: string(o.Status), StatusLabel: o.Status.Label(), Deadline: o.Deadline,
			DaysOverdue: o.DaysOverdue, Specialist: o.Specialist})
	}
	return c.JSON(out)
}

func overdueCursor(s string) (stats.Cursor, error) {
	if s == "" {
		return stats.Cursor{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.Split(string(b), ":")
	if err == nil && len(parts) == 3 && parts[0] == "v1" {
		if _, derr := casework.ParseDate(parts[1]); derr == nil {
			if id, err := strconv.ParseInt(parts[2], 10, 64); err == nil && id > 0 {
				return stats.Cursor{Deadline: parts[1], ID: id}, nil
			}
		}
	}
	return stats.Cursor{}, errs.E(errs.Invalid, "分页游标无效")
}

// statsExport is GET /stats/export.xlsx?from=&to= (head, supervisor); every
// export is audited.
func (h *handlers) statsExport(c *fiber.Ctx) error {
	r, err := h.d.Stats.ParseRange(c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	b, err := h.d.Stats.Export(c.UserContext(), viewerOf(c).Actor, r)
	if err != nil {
		return err
	}
	web.SetDownloadHeaders(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"阳光代办统计_"+r.From+"_"+r.To+".xlsx")
	return c.Send(b)
}
