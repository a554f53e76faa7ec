package admin

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/audit"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Department is an approval department (审批部门) that matters are routed
// to and liaisons belong to.
type Department struct {
	ID       int64
	Name     string
	Disabled bool // no new matter may name it; existing ones keep it
	Matters  int  // matters that name it (filled on lists)
	Liaisons int  // liaison accounts that belong to it (filled on lists)
	Created  time.Time
	Updated  time.Time
}

// InUse reports whether anything names the department.
func (d *Department) InUse() bool { return d.Matters > 0 || d.Liaisons > 0 }

// DepartmentStore keeps the departments. Implemented by storage. Each
// write stores its audit record in the same transaction.
type DepartmentStore interface {
	// Departments lists the departments by name with their use counts.
	Departments(ctx context.Context) ([]Department, error)
	// Department returns one department with its use counts. Returns not_found.
	Department(ctx context.Context, id int64) (*Department, error)
	// CreateDepartment stores d and sets its id. Returns conflict when the
	// name is taken.
	CreateDepartment(ctx context.Context, d *Department, rec *audit.Record) error
	// RenameDepartment renames a department and, in the same transaction,
	// the matters and liaison accounts that name it. Returns not_found,
	// conflict (name taken).
	RenameDepartment(ctx context.Context, id int64, name string, at time.Time, rec *audit.Record) error
	// SetDepartmentDisabled disables or enables a department. Returns not_found.
	SetDepartmentDisabled(ctx context.Context, id int64, disabled bool, at time.Time, rec *audit.Record) error
	// DeleteDepartment deletes a department nothing names. Returns
	// not_found, conflict (in use).
	DeleteDepartment(ctx context.Context, id int64, rec *audit.Record) error
}

// WithDepartments enables the departments administration.
func (s *Service) WithDepartments(store DepartmentStore) *Service {
	s.departments = store
	return s
}

// HasDepartments reports whether the departments administration is enabled.
func (s *Service) HasDepartments() bool { return s.departments != nil }

func (s *Service) deptRecord(ctx context.Context, v casework.Actor, action string, id int64, detail string) *audit.Record {
	r := &audit.Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "department", Result: audit.OK, Detail: detail}
	if id != 0 {
		r.ObjectID = strconv.FormatInt(id, 10)
	}
	audit.Fill(ctx, r, s.now())
	return r
}

// Departments lists the departments. Every staff role may read the active
// ones (a specialist picks one for a matter); the admin also sees the
// disabled ones and how much names each. Errors: forbidden.
func (s *Service) Departments(ctx context.Context, v casework.Actor) ([]Department, error) {
	if err := s.requireRole(ctx, v, "department.list", "", readers...); err != nil {
		return nil, err
	}
	all, err := s.departments.Departments(ctx)
	if err != nil || v.Role == casework.RoleAdmin {
		return all, err
	}
	out := make([]Department, 0, len(all))
	for _, d := range all {
		if !d.Disabled {
			out = append(out, Department{ID: d.ID, Name: d.Name})
		}
	}
	return out, nil
}

func departmentName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errs.FieldErrors(map[string]string{"name": "请填写部门名称"})
	case utf8.RuneCountInString(name) > 100:
		return "", errs.FieldErrors(map[string]string{"name": "部门名称不能超过100个字"})
	case strings.ContainsAny(name, "\x00\r\n\t"):
		return "", errs.FieldErrors(map[string]string{"name": "部门名称不能包含控制字符"})
	}
	return name, nil
}

// CreateDepartment adds a department (admin only). Errors: forbidden,
// unprocessable (name), conflict (name taken).
func (s *Service) CreateDepartment(ctx context.Context, v casework.Actor, name string) (*Department, error) {
	if err := s.requireRole(ctx, v, "department.create", "", casework.RoleAdmin); err != nil {
		return nil, err
	}
	name, err := departmentName(name)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &Department{Name: name, Created: now, Updated: now}
	if err := s.departments.CreateDepartment(ctx, d, s.deptRecord(ctx, v, "department.create", 0, name)); err != nil {
		if errs.Is(err, errs.Conflict) {
			return nil, errs.Wrap(errs.Conflict, "已有同名部门", err)
		}
		return nil, err
	}
	return d, nil
}

// RenameDepartment renames a department (admin only); the matters and the
// liaison accounts that name it follow. Errors: forbidden, not_found,
// unprocessable (name), conflict (name taken).
func (s *Service) RenameDepartment(ctx context.Context, v casework.Actor, id int64, name string) (*Department, error) {
	if err := s.requireRole(ctx, v, "department.rename", strconv.FormatInt(id, 10), casework.RoleAdmin); err != nil {
		return nil, err
	}
	name, err := departmentName(name)
	if err != nil {
		return nil, err
	}
	old, err := s.departments.Department(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.Name == name {
		return old, nil
	}
	rec := s.deptRecord(ctx, v, "department.rename", id, old.Name+" → "+name)
	if err := s.departments.RenameDepartment(ctx, id, name, s.now(), rec); err != nil {
		if errs.Is(err, errs.Conflict) {
			return nil, errs.Wrap(errs.Conflict, "已有同名部门", err)
		}
		return nil, err
	}
	return s.departments.Department(ctx, id)
}

// SetDepartmentDisabled disables (no new matter may name it) or enables a
// department (admin only). Errors: forbidden, not_found.
func (s *Service) SetDepartmentDisabled(ctx context.Context, v casework.Actor, id int64, disabled bool) (*Department, error) {
	action := "department.enable"
	if disabled {
		action = "department.disable"
	}
	if err := s.requireRole(ctx, v, action, strconv.FormatInt(id, 10), casework.RoleAdmin); err != nil {
		return nil, err
	}
	if err := s.departments.SetDepartmentDisabled(ctx, id, disabled, s.now(), s.deptRecord(ctx, v, action, id, "")); err != nil {
		return nil, err
	}
	return s.departments.Department(ctx, id)
}

// DeleteDepartment deletes a department that no matter and no liaison
// names (a mistyped entry); one in use can only be disabled. Errors:
// forbidden, not_found, conflict (in use).
func (s *Service) DeleteDepartment(ctx context.Context, v casework.Actor, id int64) error {
	if err := s.requireRole(ctx, v, "department.delete", strconv.FormatInt(id, 10), casework.RoleAdmin); err != nil {
		return err
	}
	d, err := s.departments.Department(ctx, id)
	if err != nil {
		return err
	}
	return s.departments.DeleteDepartment(ctx, id, s.deptRecord(ctx, v, "department.delete", id, d.Name))
}
