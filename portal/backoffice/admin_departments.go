package backoffice

import (
	"github.com/gofiber/fiber/v2"

	"sunshine/app/admin"
	"sunshine/app/web"
)

// departmentsView is the administrator's department page.
type departmentsView struct {
	Items []admin.Department
	Name  string // the new department's name after a refusal
}

// departments is GET /staff/admin/departments (admin).
func (h *handlers) departments(c *fiber.Ctx) error { return h.renderDepartments(c, "", nil) }

func (h *handlers) renderDepartments(c *fiber.Ctx, name string, formErr error) error {
	list, err := h.d.Admin.Departments(c.UserContext(), actor(c))
	if err != nil {
		return h.site.Fail(c, err)
	}
	return h.site.Render(c, status(formErr), "departments", h.page(c, "部门管理", departmentsView{Items: list, Name: name}, formErr))
}

// createDepartment is POST /staff/admin/departments {name} (admin).
func (h *handlers) createDepartment(c *fiber.Ctx) error {
	name := c.FormValue("name")
	if _, err := h.d.Admin.CreateDepartment(c.UserContext(), actor(c), name); err != nil {
		return h.failForm(c, err, func() error { return h.renderDepartments(c, name, err) })
	}
	return h.done(c, "已添加部门", Prefix+"/admin/departments")
}

// departmentForm runs one row action on the department of the path.
func (h *handlers) departmentForm(c *fiber.Ctx, msg string, run func(id int64) error) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	if err := run(id); err != nil {
		return h.failForm(c, err, func() error { return h.renderDepartments(c, "", flatten(err)) })
	}
	return h.done(c, msg, Prefix+"/admin/departments")
}

// renameDepartment is POST /staff/admin/departments/{id}/rename {name}.
func (h *handlers) renameDepartment(c *fiber.Ctx) error {
	return h.departmentForm(c, "已修改部门名称", func(id int64) error {
		_, err := h.d.Admin.RenameDepartment(c.UserContext(), actor(c), id, c.FormValue("name"))
		return err
	})
}

// setDepartmentDisabled is POST /staff/admin/departments/{id}/disable|enable:
// a disabled department can no longer be named by a new matter.
func (h *handlers) setDepartmentDisabled(disabled bool) fiber.Handler {
	msg := "已启用部门"
	if disabled {
		msg = "已停用部门"
	}
	return func(c *fiber.Ctx) error {
		return h.departmentForm(c, msg, func(id int64) error {
			_, err := h.d.Admin.SetDepartmentDisabled(c.UserContext(), actor(c), id, disabled)
			return err
		})
	}
}

// deleteDepartment is POST /staff/admin/departments/{id}/delete: only a
// department nothing names (otherwise disable it).
func (h *handlers) deleteDepartment(c *fiber.Ctx) error {
	return h.departmentForm(c, "已删除部门", func(id int64) error {
		return h.d.Admin.DeleteDepartment(c.UserContext(), actor(c), id)
	})
}
