package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/consult"
	"sunshine/app/idem"
)

type consultationRow struct {
	ID          int64
	CaseID      int64
	ConsultedAt time.Time
	Unit        string
	Person      string
	Phone       string
	Project     string
	Record      string
	Handler     string
	CreatedBy   int64
	CreatedAt   time.Time
}

func (consultationRow) TableName() string { return "consultations" }

func (r *consultationRow) toRecord() consult.Record {
	return consult.Record{Consultation: r.toConsultation(), CaseID: r.CaseID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

func (r *consultationRow) toConsultation() casework.Consultation {
	return casework.Consultation{ID: r.ID, At: r.ConsultedAt, Unit: r.Unit, Person: r.Person, Phone: r.Phone,
		Project: r.Project, Record: r.Record, Handler: r.Handler}
}

// Consultations implements consult.Store.
type Consultations struct{ db *DB }

// Consultations returns the consultation store.
func (db *DB) Consultations() *Consultations { return &Consultations{db: db} }

var _ consult.Store = (*Consultations)(nil)

// CreateConsultation stores a record, its audit entry and its
// Idempotency-Key (if any) in one transaction.
func (s *Consultations) CreateConsultation(ctx context.Context, r *consult.Record, a *audit.Record, key *idem.Key) error {
	row := &consultationRow{CaseID: r.CaseID, ConsultedAt: r.At.UTC(), Unit: r.Unit, Person: r.Person, Phone: r.Phone,
		Project: r.Project, Record: r.Consultation.Record, Handler: r.Handler, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		if err := claimKey(tx, key, row.ID); err != nil {
			return err
		}
		a.ObjectID = strconv.FormatInt(row.ID, 10)
		return appendAudit(tx, a)
	})
	if err != nil {
		return translate(err, "咨询记录")
	}
	r.ID = row.ID
	return nil
}

// ConsultationByID returns one record.
func (s *Consultations) ConsultationByID(ctx context.Context, id int64) (*consult.Record, error) {
	var row consultationRow
	if err := s.db.R.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return nil, translate(err, "咨询记录")
	}
	r := row.toRecord()
	return &r, nil
}

// ListConsultations returns one page, newest first, keyset-paginated by id.
func (s *Consultations) ListConsultations(ctx context.Context, f consult.Filter) ([]consult.Record, error) {
	q := s.db.R.WithContext(ctx).Model(&consultationRow{})
	if f.CaseID != 0 {
		q = q.Where("case_id = ?", f.CaseID)
	}
	if f.CreatedBy != 0 {
		q = q.Where("created_by = ?", f.CreatedBy)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(unit LIKE ? OR person LIKE ? OR project LIKE ?)", like, like, like)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var rows []consultationRow
	if err := q.Order("id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "咨询记录")
	}
	out := make([]consult.Record, len(rows))
	for i := range rows {
		out[i] = rows[i].toRecord()
	}
	return out, nil
}

// Consultation returns the earliest consultation linked to a case (the 咨询
// section of its 工作登记表), or nil.
func (s *Cases) Consultation(ctx context.Context, caseID int64) (*casework.Consultation, error) {
	var rows []consultationRow
	if err := s.db.R.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err, "咨询记录")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	c := rows[0].toConsultation()
	return &c, nil
}

// IdempotencyKey reads a claimed key (see Idempotency).
func (s *Consultations) IdempotencyKey(ctx context.Context, scope, owner, hash string) (string, int64, bool, error) {
	return s.db.Idempotency().IdempotencyKey(ctx, scope, owner, hash)
}
