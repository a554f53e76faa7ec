package storage

import (
	"context"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/idem"
)

// Cases implements cases.Store.
type Cases struct{ db *DB }

// Cases returns the case store.
func (db *DB) Cases() *Cases { return &Cases{db: db} }

var _ cases.Store = (*Cases)(nil)

// Case returns a case with its rating (one query).
func (s *Cases) Case(ctx context.Context, id int64) (*casework.Case, error) {
	return s.caseWhere(ctx, "cases.id = ?", id)
}

// caseRatingRow is a case with the columns of its rating, if any.
type caseRatingRow struct {
	Case            caseRow `gorm:"embedded"`
	RatingScore     *int
	RatingComment   *string
	RatingSource    *string
	RatingRatedByID *int64
	RatingAttachID  *int64
	RatingCreatedAt *time.Time
}

func (caseRatingRow) TableName() string { return "cases" }

// caseWhere reads one case and its rating in a single query: every read
// and every action starts here, so a second round trip would cost them all.
func (s *Cases) caseWhere(ctx context.Context, cond string, arg any) (*casework.Case, error) {
	var row caseRatingRow
	err := s.db.R.WithContext(ctx).Select("cases.*, ratings.score AS rating_score, ratings.comment AS rating_comment, "+
		"ratings.source AS rating_source, ratings.rated_by_id AS rating_rated_by_id, ratings.attachment_id AS rating_attach_id, ratings.created_at AS rating_created_at").
		Joins("LEFT JOIN ratings ON ratings.case_id = cases.id").Where(cond, arg).Take(&row).Error
	if err != nil {
		return nil, translateCase(err)
	}
	c := row.Case.toCase()
	if row.RatingScore != nil {
		c.Rating = &casework.Rating{Score: *row.RatingScore, Comment: deref(row.RatingComment),
			Source: deref(row.RatingSource), RatedByID: deref(row.RatingRatedByID), AttachmentID: deref(row.RatingAttachID)}
		if row.RatingCreatedAt != nil {
			c.Rating.At = *row.RatingCreatedAt
		}
	}
	return c, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func translateCase(err error) error {
	if errs.Is(translate(err, ""), errs.NotFound) {
		return errs.Wrap(errs.NotFound, "案件不存在", err)
	}
	return translate(err, "案件")
}

// CaseWithTimeline returns a case, its rating and its timeline: two
// queries whatever the number of events.
func (s *Cases) CaseWithTimeline(ctx context.Context, id int64) (*casework.Case, []casework.Event, error) {
	c, err := s.Case(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var rows []eventRow
	if err := s.db.R.WithContext(ctx).Where("case_id = ?", id).Order("id").Find(&rows).Error; err != nil {
		return nil, nil, translate(err, "时间线")
	}
	tl := make([]casework.Event, len(rows))
	for i := range rows {
		tl[i] = rows[i].toEvent()
	}
	return c, tl, nil
}

// CaseByHotlineOrder finds the case created from a hotline order.
func (s *Cases) CaseByHotlineOrder(ctx context.Context, orderNo string) (*casework.Case, error) {
	return s.caseWhere(ctx, "cases.hotline_order_no = ?", orderNo)
}

// caseNumberRe matches a whole 受理编号 such as YGDB-2026-000123.
var caseNumberRe = regexp.MustCompile(`^YGDB-\d{4}-\d{6,}$`)

// runningStatuses are those in which the deadline clock runs.
var runningStatuses = casework.StatusNames(casework.ClockRunning)

// poolStatuses are those of unassigned cases every specialist sees (to
// submit them for archiving).
var poolStatuses = casework.StatusNames(casework.AwaitingArchive)

// ListCases returns one page, newest first, keyset-paginated by id.
func (s *Cases) ListCases(ctx context.Context, f cases.Filter) ([]casework.Case, error) {
	q := s.db.R.WithContext(ctx).Model(&caseRow{})
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	switch {
	case f.SpecialistID != 0 && f.SpecialistPool:
		q = q.Where("(specialist_id = ? OR (specialist_id = 0 AND status IN ?))", f.SpecialistID, poolStatuses)
	case f.SpecialistID != 0:
		q = q.Where("specialist_id = ?", f.SpecialistID)
	}
	switch {
	case f.OwnOnly:
		q = q.Where("submitter_id = ?", f.SubmitterID)
	case f.EnterpriseID != 0:
		q = q.Where("(enterprise_id = ? OR submitter_id = ?)", f.EnterpriseID, f.SubmitterID)
	}
	if f.Department != "" {
		q = q.Where("id IN (SELECT case_id FROM department_matters WHERE department = ?)", f.Department)
	}
	if f.ActorID != 0 {
		q = q.Where("id IN (SELECT case_id FROM case_events WHERE actor_id = ? AND actor_role = ?)", f.ActorID, string(f.ActorRole))
	}
	if f.Overdue {
		q = q.Where("deadline <> '' AND deadline < ? AND status IN ?", f.Today, runningStatuses)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		// A case number or a credit code is looked up on its index alone:
		// OR-ing it with the LIKEs would scan every case (1 s at a million).
		switch up := strings.ToUpper(t); {
		case caseNumberRe.MatchString(up):
			q = q.Where("number = ?", up)
		case casework.CreditCodeValid(up):
			q = q.Where("credit_code = ?", up)
		default:
			like := "%" + escapeLike(t) + "%"
			q = q.Where("(number = ? OR credit_code = ? OR enterprise_name LIKE ? OR project_name LIKE ?)", up, up, like, like)
		}
	}
	q = workbenchFilters(q, f)
	switch f.Sort {
	case cases.SortDeadline:
		q = q.Where("deadline <> ''")
		if f.After.ID > 0 {
			q = q.Where("(deadline > ? OR (deadline = ? AND id > ?))", f.After.Deadline, f.After.Deadline, f.After.ID)
		}
		q = q.Order("deadline, id")
	case cases.SortUpdated:
		if !f.After.Updated.IsZero() {
			at := f.After.Updated.UTC()
			q = q.Where("(updated_at > ? OR (updated_at = ? AND id > ?))", at, at, f.After.ID)
		}
		q = q.Order("updated_at, id")
	default:
		if f.Before > 0 {
			q = q.Where("id < ?", f.Before)
		}
		q = q.Order("id DESC")
	}
	var rows []caseRow
	if err := q.Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "案件")
	}
	out := make([]casework.Case, len(rows))
	for i := range rows {
		out[i] = *rows[i].toCase()
	}
	return out, nil
}

// workbenchFilters adds the workbench's filters (channel, type, specialist,
// deadline range) to a case list query.
func workbenchFilters(q *gorm.DB, f cases.Filter) *gorm.DB {
	if f.Channel != "" {
		q = q.Where("channel = ?", string(f.Channel))
	}
	switch f.ServiceType {
	case "":
	case "undecided":
		q = q.Where("service_type = ''")
	default:
		q = q.Where("service_type = ?", f.ServiceType)
	}
	if f.AssignedTo != 0 {
		q = q.Where("specialist_id = ?", f.AssignedTo)
	}
	if f.DeadlineFrom != "" {
		q = q.Where("deadline <> '' AND deadline >= ?", f.DeadlineFrom)
	}
	if f.DeadlineTo != "" {
		q = q.Where("deadline <> '' AND deadline <= ?", f.DeadlineTo)
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// IdempotencyKey reads a claimed key (see Idempotency).
func (s *Cases) IdempotencyKey(ctx context.Context, scope, owner, hash string) (string, int64, bool, error) {
	return s.db.Idempotency().IdempotencyKey(ctx, scope, owner, hash)
}

// AttachmentOfCase reports whether attachment id belongs to the case.
func (s *Cases) AttachmentOfCase(ctx context.Context, caseID, id int64) (bool, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Table("attachments").Where("id = ? AND case_id = ?", id, caseID).Count(&n).Error
	return n > 0, translate(err, "附件")
}

// HasMatterFor reports whether a case has a matter for the department.
func (s *Cases) HasMatterFor(ctx context.Context, caseID int64, department string) (bool, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Table("department_matters").
		Where("case_id = ? AND department = ?", caseID, department).Limit(1).Count(&n).Error
	return n > 0, translate(err, "事项")
}

// EnterpriseByCreditCode returns the registered enterprise's id, or 0.
func (s *Cases) EnterpriseByCreditCode(ctx context.Context, creditCode string) (int64, error) {
	var ids []int64
	err := s.db.R.WithContext(ctx).Table("enterprises").Where("credit_code = ?", creditCode).Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, translate(err, "企业")
	}
	return ids[0], nil
}

// Specialists returns the active specialists.
func (s *Cases) Specialists(ctx context.Context) (map[int64]string, error) {
	var rows []struct {
		ID   int64
		Name string
	}
	err := s.db.R.WithContext(ctx).Table("staff_users").Select("id, name").
		Where("role = ? AND disabled = ?", "specialist", false).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "人员")
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// NextCaseNumber reserves the next number of a year in its own short
// transaction: the row lock serializes instances, and a case insert that
// fails later leaves a gap, never a duplicate.
func (s *Cases) NextCaseNumber(ctx context.Context, year int) (int64, error) {
	var next int64
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&sequenceRow{Year: year, Last: 0}).Error; err != nil {
			return err
		}
		if err := tx.Model(&sequenceRow{}).Where("year = ?", year).
			Update("last", gorm.Expr("last + 1")).Error; err != nil {
			return err
		}
		return tx.Model(&sequenceRow{}).Where("year = ?", year).Pluck("last", &next).Error
	})
	return next, translate(err, "编号")
}

// InTx runs fn in one write transaction.
func (s *Cases) InTx(ctx context.Context, fn func(cases.Tx) error) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error { return fn(&caseTx{tx: tx}) })
	return translate(err, "记录")
}

type caseTx struct{ tx *gorm.DB }

// Gorm exposes the transaction to other storage code in this package.
func (t *caseTx) Gorm() *gorm.DB { return t.tx }

func (t *caseTx) InsertCase(c *casework.Case) error {
	row := toCaseRow(c)
	if err := t.tx.Create(row).Error; err != nil {
		return translate(err, "案件")
	}
	c.ID = row.ID
	return nil
}

func (t *caseTx) UpdateCase(c *casework.Case, prevVersion int) error {
	row := toCaseRow(c)
	res := t.tx.Model(&caseRow{}).Where("id = ? AND version = ?", c.ID, prevVersion).
		Select("*").Omit("id", "number", "created_at", "hotline_order_no").UpdateColumns(row) // keeps the service clock's updated_at
	if res.Error != nil {
		return translate(res.Error, "案件")
	}
	if res.RowsAffected != 1 {
		return errs.E(errs.Conflict, "案件已被他人更新，请刷新后重试")
	}
	return nil
}

// ClaimKey records the Idempotency-Key of the case being created.
func (t *caseTx) ClaimKey(k *idem.Key, id int64) error { return claimKey(t.tx, k, id) }

func (t *caseTx) AddEvent(e *casework.Event) error {
	row := toEventRow(e)
	if err := t.tx.Create(row).Error; err != nil {
		return translate(err, "时间线")
	}
	e.ID = row.ID
	return nil
}

func (t *caseTx) AddRating(c *casework.Case, followUp bool) error {
	r := c.Rating
	row := &ratingRow{CaseID: c.ID, Score: r.Score, Comment: r.Comment, Source: r.Source, RatedByID: r.RatedByID,
		AttachmentID: r.AttachmentID, CreatedAt: r.At.UTC()}
	if err := t.tx.Create(row).Error; err != nil {
		if errs.Is(translate(err, ""), errs.Conflict) {
			return errs.Wrap(errs.Conflict, "该案件已评价，每个案件只能评价一次", err)
		}
		return translate(err, "评价")
	}
	if followUp {
		f := &followupRow{CaseID: c.ID, RatingID: row.ID, Status: "open", CreatedAt: r.At.UTC()}
		if err := t.tx.Create(f).Error; err != nil {
			return translate(err, "回访")
		}
	}
	return nil
}

func (t *caseTx) Audit(r *audit.Record) error { return appendAudit(t.tx, r) }
