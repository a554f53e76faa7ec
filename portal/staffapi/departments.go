package staffapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/admin"
	"sunshine/app/casework"
	"sunshine/app/web"
)

// departmentRoutes registers the departments: every staff role reads the
// active ones, the admin administers them (behind requireStaff).
func (h *handlers) departmentRoutes(app *fiber.App) {
	if h.d.Admin == nil || !h.d.Admin.HasDepartments() {
		return
	}
	api := app.Group("/api/staff/v1/departments")
	api.Get("", h.listDepartments)
	api.Post("", h.createDepartment)
	api.Put("/:id", h.renameDepartment)
	api.Post("/:id/disable", h.setDepartmentDisabled(true))
	api.Post("/:id/enable", h.setDepartmentDisabled(false))
	api.Delete("/:id", h.deleteDepartment)
}

type departmentRequest struct {
	Name string `json:"name"`
}

type departmentJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Disabled  bool       `json:"disabled"`
	Matters   *int       `json:"matters,omitempty"`  // admin only
	Liaisons  *int       `json:"liaisons,omitempty"` // admin only
	InUse     *bool      `json:"in_use,omitempty"`   // admin only
	CreatedAt *time.Time `json:"created_at,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

func toDepartmentJSON(d *admin.Department, full bool) departmentJSON {
	out := departmentJSON{ID: d.ID, Name: d.Name, Disabled: d.Disabled}
	if full {
		m, l, u := d.Matters, d.Liaisons, d.InUse()
		c, up := d.Created, d.Updated
		out.Matters, out.Liaisons, out.InUse, out.CreatedAt, out.UpdatedAt = &m, &l, &u, &c, &up
	}
	return out
}

// listDepartments is GET /departments → {items}: the active departments
// by name; the admin gets every department with its use.
func (h *handlers) listDepartments(c *fiber.Ctx) error {
	v := viewerOf(c).Actor
	list, err := h.d.Admin.Departments(c.UserContext(), v)
	if err != nil {
		return err
	}
	out := web.List[departmentJSON]{Items: make([]departmentJSON, 0, len(list))}
	for i := range list {
		out.Items = append(out.Items, toDepartmentJSON(&list[i], v.Role == casework.RoleAdmin))
	}
	return c.JSON(out)
}

// createDepartment is POST /departments {name} → 201 department (admin).
func (h *handlers) createDepartment(c *fiber.Ctx) error {
	var req departmentRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	d, err := h.d.Admin.CreateDepartment(c.UserContext(), viewerOf(c).Actor, req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toDepartmentJSON(d, true))
}

// renameDepartment is PUT /departments/{id} {name} → department (admin).
func (h *handlers) renameDepartment(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req departmentRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	d, err := h.d.Admin.RenameDepartment(c.UserContext(), viewerOf(c).Actor, id, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(toDepartmentJSON(d, true))
}

// setDepartmentDisabled is POST /departments/{id}/disable|enable →
// department (admin).
func (h *handlers) setDepartmentDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.PathID(c, "id")
		if err != nil {
			return err
		}
		d, err := h.d.Admin.SetDepartmentDisabled(c.UserContext(), viewerOf(c).Actor, id, disabled)
		if err != nil {
			return err
		}
		return c.JSON(toDepartmentJSON(d, true))
	}
}

// deleteDepartment is DELETE /departments/{id} → 204 (admin; 409 when a
// matter or a liaison names it).
func (h *handlers) deleteDepartment(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.d.Admin.DeleteDepartment(c.UserContext(), viewerOf(c).Actor, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
