package matters

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/idem"
)

// Service runs the matter use cases.
type Service struct {
	store Store
	cases CaseAccess
	audit audit.Store
	now   func() time.Time
	log   *slog.Logger
}

// New builds the service; now may be nil (time.Now).
func New(store Store, access CaseAccess, auditStore audit.Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, cases: access, audit: auditStore, now: now, log: log}
}

// NewMatter is a matter as the head or the specialist enters it.
type NewMatter struct {
	Department string
	Name       string
	Deadline   string // YYYY-MM-DD
}

// Report is a liaison's progress feedback.
type Report struct {
	Note    string
	Problem bool // a material problem: the specialist must act
	Done    bool // the department finished the approval
}

// Add adds a matter to a case: by the head, or by the specialist the case is
// assigned to. Errors: forbidden (role), not_found (case not visible),
// conflict (case finished), unprocessable (fields, unknown department).
func (s *Service) Add(ctx context.Context, v cases.Viewer, caseID int64, in NewMatter) (*Matter, error) {
	m, _, err := s.AddOnce(ctx, v, caseID, in, nil)
	return m, err
}

// AddOnce is Add with an Idempotency-Key (nil: none): a replay of the same
// matter returns the first one (replayed true); the same key with another
// matter is refused (unprocessable).
func (s *Service) AddOnce(ctx context.Context, v cases.Viewer, caseID int64, in NewMatter, key *idem.Key) (*Matter, bool, error) {
	if key != nil {
		k := *key
		k.Scope = idem.ScopeMatter
		k.Fingerprint = idem.Fingerprint(struct {
			C int64
			M NewMatter
		}{caseID, in})
		key = &k
	}
	var created *Matter
	id, replayed, err := idem.Do(ctx, s.store, key, func() (int64, error) {
		m, err := s.add(ctx, v, caseID, in, key)
		if err != nil {
			return 0, err
		}
		created = m
		return m.ID, nil
	})
	if err != nil || !replayed {
		return created, false, err
	}
	m, err := s.store.Matter(ctx, id)
	return m, true, err
}

func (s *Service) add(ctx context.Context, v cases.Viewer, caseID int64, in NewMatter, key *idem.Key) (*Matter, error) {
	if v.Role != casework.RoleHead && v.Role != casework.RoleSpecialist {
		return nil, s.deny(ctx, v, "matter.add", "case:"+strconv.FormatInt(caseID, 10), "只有中心负责人或负责该案件的帮办代办专员可以添加事项")
	}
	c, err := s.cases.CanSee(ctx, v, caseID)
	if err != nil {
		return nil, err
	}
	if !casework.Open(c.Status) {
		return nil, errs.Ef(errs.Conflict, "案件当前状态为「%s」，不能再添加事项", c.Status.Label())
	}
	in.Department, in.Name, in.Deadline = strings.TrimSpace(in.Department), strings.TrimSpace(in.Name), strings.TrimSpace(in.Deadline)
	bad := map[string]string{}
	text(bad, "department", "审批部门", in.Department, 100)
	text(bad, "name", "事项名称", in.Name, 200)
	if d, err := casework.ParseDate(in.Deadline); err != nil || casework.DateOf(d) != in.Deadline {
		bad["deadline"] = "请填写事项办理时限，格式为 YYYY-MM-DD"
	} else if in.Deadline < casework.DateOf(s.now()) {
		bad["deadline"] = "事项办理时限不能早于今天"
	}
	if bad["department"] == "" {
		known, err := s.store.KnownDepartment(ctx, in.Department)
		if err != nil {
			return nil, err
		}
		if !known {
			bad["department"] = "未找到该审批部门，请先由系统管理员添加部门或联络员"
		}
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	now := s.now()
	m := &Matter{CaseID: c.ID, CaseNumber: c.Number, ProjectName: c.Form.Project.Name, Department: in.Department,
		Name: in.Name, Deadline: in.Deadline, Status: Pending, CreatedBy: v.ID, CreatedAt: now, UpdatedAt: now}
	ev := s.event(c, v, ActionAdd, map[string]any{"department": m.Department, "name": m.Name, "deadline": m.Deadline})
	rec := s.record(ctx, v, "matter.add", "", audit.OK, "case="+strconv.FormatInt(c.ID, 10)+" department="+m.Department)
	if err := s.store.InsertMatter(ctx, m, ev, rec, key); err != nil {
		return nil, err
	}
	return m, nil
}

// ForCase lists the matters of a case the viewer may see, with progress: a
// liaison sees only their department's; an enterprise user sees no
// progress notes. Errors: not_found, forbidden.
func (s *Service) ForCase(ctx context.Context, v cases.Viewer, caseID int64) ([]Matter, error) {
	if _, err := s.cases.CanSee(ctx, v, caseID); err != nil {
		return nil, err
	}
	dept := ""
	if v.Role == casework.RoleLiaison {
		dept = v.Department
	}
	ms, err := s.store.MattersOfCase(ctx, caseID, dept)
	if err != nil {
		return nil, err
	}
	if v.Role == casework.RoleEnterprise {
		for i := range ms {
			ms[i].Progress = nil
		}
	}
	return ms, nil
}

// List returns at most f.Limit (≤ 101) matters, newest first: a liaison's
// department's, a specialist's cases', or all for the head and clerks.
// Errors: forbidden.
func (s *Service) List(ctx context.Context, v cases.Viewer, f Filter) ([]Matter, error) {
	switch v.Role {
	case casework.RoleHead, casework.RoleClerk:
	case casework.RoleLiaison:
		f.Department = v.Department
		if f.Department == "" {
			return nil, nil
		}
	case casework.RoleSpecialist:
		f.SpecialistID = v.ID
	default:
		return nil, s.deny(ctx, v, "matter.list", "", "当前角色无权查看事项")
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, 101) // a page of 100 and one more to tell the next page
	return s.store.ListMatters(ctx, f)
}

// Progress records a liaison's feedback on a matter of their department.
// Errors: forbidden (role), not_found (other department), conflict
// (archived case), unprocessable.
func (s *Service) Progress(ctx context.Context, v cases.Viewer, matterID int64, in Report) (*Matter, error) {
	obj := strconv.FormatInt(matterID, 10)
	if v.Role != casework.RoleLiaison {
		return nil, s.deny(ctx, v, "matter.progress", obj, "只有该事项所属审批部门的联络员可以反馈进度")
	}
	m, err := s.store.Matter(ctx, matterID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if err != nil || v.Department == "" || m.Department != v.Department {
		s.auditOutside(ctx, v, "matter.progress", obj, audit.Denied, "not visible")
		return nil, errs.E(errs.NotFound, "事项不存在")
	}
	c, err := s.cases.CanSee(ctx, v, m.CaseID)
	if err != nil {
		return nil, err
	}
	if c.ReadOnly() {
		return nil, errs.E(errs.Conflict, "案件已归档，不能再反馈进度")
	}
	in.Note = strings.TrimSpace(in.Note)
	bad := map[string]string{}
	text(bad, "note", "进度说明", in.Note, 2000)
	if in.Problem && in.Done {
		bad["problem"] = "不能同时标记为“材料有问题”和“已办结”"
	}
	if err := errs.FieldErrors(bad); err != nil {
		return nil, err
	}
	status := InProgress
	switch {
	case in.Done:
		status = Done
	case in.Problem:
		status = Problem
	}
	p := &Progress{MatterID: m.ID, Note: in.Note, Problem: in.Problem, ByID: v.ID, ByName: v.Name, At: s.now()}
	ev := s.event(c, v, ActionProgress, map[string]any{"matter_id": m.ID, "department": m.Department,
		"name": m.Name, "note": p.Note, "problem": p.Problem, "status": string(status)})
	rec := s.record(ctx, v, "matter.progress", obj, audit.OK, "case="+strconv.FormatInt(c.ID, 10)+" status="+string(status))
	if err := s.store.AddProgress(ctx, p, status, ev, rec); err != nil {
		return nil, err
	}
	return s.store.Matter(ctx, matterID)
}

func text(bad map[string]string, key, label, s string, max int) {
	switch {
	case s == "":
		bad[key] = "请填写" + label
	case utf8.RuneCountInString(s) > max:
		bad[key] = label + "不能超过" + strconv.Itoa(max) + "个字"
	}
}

// event is the internal timeline entry of a matter change.
func (s *Service) event(c *casework.Case, v cases.Viewer, a casework.Action, payload map[string]any) *casework.Event {
	return &casework.Event{CaseID: c.ID, Action: a, FromStatus: c.Status, Status: c.Status, At: s.now(),
		ActorID: v.ID, ActorRole: v.Role, ActorName: v.Name, Public: false, Payload: payload}
}

func (s *Service) record(ctx context.Context, v cases.Viewer, action, obj, result, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "matter", ObjectID: obj, Result: result, Detail: detail}
	audit.Fill(ctx, r, s.now())
	return r
}

func (s *Service) auditOutside(ctx context.Context, v cases.Viewer, action, obj, result, detail string) {
	if err := s.audit.Append(ctx, s.record(ctx, v, action, obj, result, detail)); err != nil {
		s.log.Error("audit write failed", "err", err, "action", action)
	}
}

func (s *Service) deny(ctx context.Context, v cases.Viewer, action, obj, msg string) error {
	s.auditOutside(ctx, v, action, obj, audit.Denied, msg)
	return errs.E(errs.Forbidden, msg)
}
