package storage

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/idem"
	"sunshine/app/matters"
)

type matterRow struct {
	ID          int64
	CaseID      int64
	Department  string
	Name        string
	Deadline    string
	Status      string
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CaseNumber  string `gorm:"->;-:migration"` // read from the joined case
	ProjectName string `gorm:"->;-:migration"`
}

func (matterRow) TableName() string { return "department_matters" }

func (r *matterRow) toMatter() matters.Matter {
	return matters.Matter{ID: r.ID, CaseID: r.CaseID, CaseNumber: r.CaseNumber, ProjectName: r.ProjectName,
		Department: r.Department, Name: r.Name, Deadline: r.Deadline, Status: matters.Status(r.Status),
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type progressRow struct {
	ID       int64
	MatterID int64
	Note     string
	Problem  bool
	ByID     int64
	ByName   string
	At       time.Time
}

func (progressRow) TableName() string { return "matter_progress" }

// Matters implements matters.Store.
type Matters struct{ db *DB }

// Matters returns the department matter store.
func (db *DB) Matters() *Matters { return &Matters{db: db} }

var _ matters.Store = (*Matters)(nil)

const matterColumns = "department_matters.*, cases.number AS case_number, cases.project_name AS project_name"

func (s *Matters) query(ctx context.Context) *gorm.DB {
	return s.db.R.WithContext(ctx).Model(&matterRow{}).Select(matterColumns).
		Joins("JOIN cases ON cases.id = department_matters.case_id")
}

// InsertMatter stores a matter, its timeline event and its audit record in
// one transaction.
func (s *Matters) InsertMatter(ctx context.Context, m *matters.Matter, ev *casework.Event, rec *audit.Record, key *idem.Key) error {
	row := &matterRow{CaseID: m.CaseID, Department: m.Department, Name: m.Name, Deadline: m.Deadline,
		Status: string(m.Status), CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC()}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Omit("CaseNumber", "ProjectName").Create(row).Error; err != nil {
			return err
		}
		if err := claimKey(tx, key, row.ID); err != nil {
			return err
		}
		id := strconv.FormatInt(row.ID, 10)
		if ev.Payload == nil {
			ev.Payload = map[string]any{}
		}
		ev.Payload["matter_id"] = row.ID
		if err := (&caseTx{tx: tx}).AddEvent(ev); err != nil {
			return err
		}
		if rec.ObjectID == "" {
			rec.ObjectID = id
		}
		return appendAudit(tx, rec)
	})
	if err != nil {
		return translate(err, "事项")
	}
	m.ID = row.ID
	return nil
}

// Matter returns one matter with its progress.
func (s *Matters) Matter(ctx context.Context, id int64) (*matters.Matter, error) {
	var row matterRow
	if err := s.query(ctx).Where("department_matters.id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err, "事项")
	}
	ms := []matters.Matter{row.toMatter()}
	if err := s.attachProgress(ctx, ms); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// MattersOfCase lists a case's matters with their progress (two queries).
func (s *Matters) MattersOfCase(ctx context.Context, caseID int64, department string) ([]matters.Matter, error) {
	q := s.query(ctx).Where("department_matters.case_id = ?", caseID)
	if department != "" {
		q = q.Where("department_matters.department = ?", department)
	}
	var rows []matterRow
	if err := q.Order("department_matters.id").Limit(500).Find(&rows).Error; err != nil {
		return nil, translate(err, "事项")
	}
	out := make([]matters.Matter, len(rows))
	for i := range rows {
		out[i] = rows[i].toMatter()
	}
	return out, s.attachProgress(ctx, out)
}

func (s *Matters) attachProgress(ctx context.Context, ms []matters.Matter) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]int64, len(ms))
	at := make(map[int64]int, len(ms))
	for i, m := range ms {
		ids[i], at[m.ID] = m.ID, i
	}
	var rows []progressRow
	if err := s.db.R.WithContext(ctx).Where("matter_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return translate(err, "事项进度")
	}
	for _, r := range rows {
		m := &ms[at[r.MatterID]]
		m.Progress = append(m.Progress, matters.Progress{ID: r.ID, MatterID: r.MatterID, Note: r.Note,
			Problem: r.Problem, ByID: r.ByID, ByName: r.ByName, At: r.At})
	}
	return nil
}

// ListMatters lists one page of matters, newest first, keyset-paginated.
func (s *Matters) ListMatters(ctx context.Context, f matters.Filter) ([]matters.Matter, error) {
	q := s.query(ctx)
	if f.Department != "" {
		q = q.Where("department_matters.department = ?", f.Department)
	}
	if f.SpecialistID != 0 {
		q = q.Where("cases.specialist_id = ?", f.SpecialistID)
	}
	if f.CaseID != 0 {
		q = q.Where("department_matters.case_id = ?", f.CaseID)
	}
	if f.Status != "" {
		q = q.Where("department_matters.status = ?", string(f.Status))
	}
	if f.Before > 0 {
		q = q.Where("department_matters.id < ?", f.Before)
	}
	var rows []matterRow
	if err := q.Order("department_matters.id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "事项")
	}
	out := make([]matters.Matter, len(rows))
	for i := range rows {
		out[i] = rows[i].toMatter()
	}
	return out, nil
}

// AddProgress stores a feedback, the matter's new status, the timeline
// event and the audit record in one transaction.
func (s *Matters) AddProgress(ctx context.Context, p *matters.Progress, status matters.Status, ev *casework.Event, rec *audit.Record) error {
	row := &progressRow{MatterID: p.MatterID, Note: p.Note, Problem: p.Problem, ByID: p.ByID, ByName: p.ByName, At: p.At.UTC()}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		if err := tx.Model(&matterRow{}).Where("id = ?", p.MatterID).
			Updates(map[string]any{"status": string(status), "updated_at": p.At.UTC()}).Error; err != nil {
			return err
		}
		if err := (&caseTx{tx: tx}).AddEvent(ev); err != nil {
			return err
		}
		return appendAudit(tx, rec)
	})
	if err != nil {
		return translate(err, "事项进度")
	}
	p.ID = row.ID
	return nil
}

// KnownDepartment reports whether the admin lists the department (and has
// not disabled it) or, when the admin does not list it, a liaison account
// belongs to it.
func (s *Matters) KnownDepartment(ctx context.Context, name string) (bool, error) {
	var listed []bool
	err := s.db.R.WithContext(ctx).Table("departments").Where("name = ?", name).Limit(1).Pluck("disabled", &listed).Error
	if err != nil || len(listed) > 0 {
		return len(listed) > 0 && !listed[0], translate(err, "部门")
	}
	var n int64
	err = s.db.R.WithContext(ctx).Table("staff_users").
		Where("role = ? AND department = ? AND disabled = ?", "liaison", name, false).Count(&n).Error
	return n > 0, translate(err, "部门")
}

// IdempotencyKey reads a claimed key (see Idempotency).
func (s *Matters) IdempotencyKey(ctx context.Context, scope, owner, hash string) (string, int64, bool, error) {
	return s.db.Idempotency().IdempotencyKey(ctx, scope, owner, hash)
}
