package storage

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"sunshine/app/admin"
	"sunshine/app/audit"
	"sunshine/app/errs"
)

// Departments implements admin.DepartmentStore.
type Departments struct{ db *DB }

// Departments returns the departments store.
func (db *DB) Departments() *Departments { return &Departments{db: db} }

var _ admin.DepartmentStore = (*Departments)(nil)

type departmentRow struct {
	ID        int64
	Name      string
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt *time.Time
}

func (departmentRow) TableName() string { return "departments" }

func (r *departmentRow) toDepartment() admin.Department {
	d := admin.Department{ID: r.ID, Name: r.Name, Disabled: r.Disabled, Created: r.CreatedAt, Updated: r.CreatedAt}
	if r.UpdatedAt != nil {
		d.Updated = *r.UpdatedAt
	}
	return d
}

// useCounts counts, per department name, the matters and the staff
// accounts that name it.
func (s *Departments) useCounts(ctx context.Context, tx *gorm.DB, names []string) (map[string][2]int, error) {
	out := map[string][2]int{}
	if len(names) == 0 {
		return out, nil
	}
	var rows []struct {
		Department string
		N          int
	}
	if err := tx.WithContext(ctx).Table("department_matters").Select("department, COUNT(*) AS n").
		Where("department IN ?", names).Group("department").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		c := out[r.Department]
		c[0] = r.N
		out[r.Department] = c
	}
	rows = nil
	if err := tx.WithContext(ctx).Table("staff_users").Select("department, COUNT(*) AS n").
		Where("department IN ?", names).Group("department").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		c := out[r.Department]
		c[1] = r.N
		out[r.Department] = c
	}
	return out, nil
}

// Departments lists every department by name with its use counts.
func (s *Departments) Departments(ctx context.Context) ([]admin.Department, error) {
	var rows []departmentRow
	if err := s.db.R.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, translate(err, "部门")
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.Name
	}
	use, err := s.useCounts(ctx, s.db.R, names)
	if err != nil {
		return nil, translate(err, "部门")
	}
	out := make([]admin.Department, len(rows))
	for i := range rows {
		out[i] = rows[i].toDepartment()
		out[i].Matters, out[i].Liaisons = use[rows[i].Name][0], use[rows[i].Name][1]
	}
	return out, nil
}

// Department returns one department with its use counts.
func (s *Departments) Department(ctx context.Context, id int64) (*admin.Department, error) {
	var row departmentRow
	if err := s.db.R.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err, "部门")
	}
	use, err := s.useCounts(ctx, s.db.R, []string{row.Name})
	if err != nil {
		return nil, translate(err, "部门")
	}
	d := row.toDepartment()
	d.Matters, d.Liaisons = use[row.Name][0], use[row.Name][1]
	return &d, nil
}

// CreateDepartment stores a department and its audit record.
func (s *Departments) CreateDepartment(ctx context.Context, d *admin.Department, rec *audit.Record) error {
	at := d.Created.UTC()
	row := &departmentRow{Name: d.Name, CreatedAt: at, UpdatedAt: &at}
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return translate(err, "部门")
		}
		rec.ObjectID = strconv.FormatInt(row.ID, 10)
		return appendAudit(tx, rec)
	})
	if err != nil {
		return translate(err, "部门")
	}
	d.ID = row.ID
	return nil
}

// RenameDepartment renames a department with the matters and the staff
// accounts that name it, in one transaction.
func (s *Departments) RenameDepartment(ctx context.Context, id int64, name string, at time.Time, rec *audit.Record) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		var row departmentRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return translate(err, "部门")
		}
		if err := tx.Model(&departmentRow{}).Where("id = ?", id).
			Updates(map[string]any{"name": name, "updated_at": at.UTC()}).Error; err != nil {
			return translate(err, "部门")
		}
		if err := tx.Table("department_matters").Where("department = ?", row.Name).Update("department", name).Error; err != nil {
			return err
		}
		if err := tx.Table("staff_users").Where("department = ?", row.Name).Update("department", name).Error; err != nil {
			return err
		}
		return appendAudit(tx, rec)
	})
	return translate(err, "部门")
}

// SetDepartmentDisabled disables or enables a department.
func (s *Departments) SetDepartmentDisabled(ctx context.Context, id int64, disabled bool, at time.Time, rec *audit.Record) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&departmentRow{}).Where("id = ?", id).Updates(map[string]any{"disabled": disabled, "updated_at": at.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.E(errs.NotFound, "部门不存在")
		}
		return appendAudit(tx, rec)
	})
	return translate(err, "部门")
}

// DeleteDepartment deletes a department nothing names.
func (s *Departments) DeleteDepartment(ctx context.Context, id int64, rec *audit.Record) error {
	err := s.db.transact(ctx, func(tx *gorm.DB) error {
		var row departmentRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return translate(err, "部门")
		}
		use, err := s.useCounts(ctx, tx, []string{row.Name})
		if err != nil {
			return err
		}
		if c := use[row.Name]; c[0] > 0 || c[1] > 0 {
			return errs.E(errs.Conflict, "该部门已有事项或联络员，不能删除，只能停用")
		}
		if err := tx.Where("id = ?", id).Delete(&departmentRow{}).Error; err != nil {
			return err
		}
		return appendAudit(tx, rec)
	})
	return translate(err, "部门")
}
