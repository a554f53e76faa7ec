package stats

import (
	"context"
	"sort"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// SpecialistLoad is one active specialist's current cases by status, for
// the head's assignment form (交办).
type SpecialistLoad struct {
	SpecialistID int64
	Name         string
	ByStatus     map[casework.Status]int // assigned, in_service, suspended, closing
	Open         int
	Overdue      int
}

// StatusCount is the number of one specialist's cases in one status.
type StatusCount struct {
	SpecialistID int64
	Status       casework.Status
	Count        int
}

// SpecialistLoads returns every active specialist's open cases by status
// and overdue count, least loaded first (the head only: names).
// Errors: forbidden.
func (s *Service) SpecialistLoads(ctx context.Context, v casework.Actor) ([]SpecialistLoad, error) {
	if v.Role != casework.RoleHead {
		s.record(ctx, v, "stats.loads", audit.Denied, "role")
		return nil, errs.E(errs.Forbidden, "只有中心负责人可以查看专员工作量")
	}
	if s.series == nil {
		return nil, errs.E(errs.Unavailable, "统计序列未配置")
	}
	today := casework.DateOf(s.now())
	loads, err := s.store.Loads(ctx, today)
	if err != nil {
		return nil, err
	}
	counts, err := s.series.LoadsByStatus(ctx)
	if err != nil {
		return nil, err
	}
	by := map[int64]*SpecialistLoad{}
	out := make([]SpecialistLoad, len(loads))
	for i, l := range loads {
		out[i] = SpecialistLoad{SpecialistID: l.SpecialistID, Name: l.Name, ByStatus: map[casework.Status]int{},
			Open: l.Open, Overdue: l.Overdue}
		by[l.SpecialistID] = &out[i]
	}
	for _, c := range counts {
		if l := by[c.SpecialistID]; l != nil {
			l.ByStatus[c.Status] += c.Count
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Open != out[j].Open {
			return out[i].Open < out[j].Open
		}
		return out[i].SpecialistID < out[j].SpecialistID
	})
	return out, nil
}
