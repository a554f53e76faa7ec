package backoffice

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/web"
)

// usersView is the administrator's user page: every staff account with
// its row actions, and the form for a new one.
type usersView struct {
	Role  string
	Roles []casework.Option
	Users []accounts.Staff
	Depts []string
	Form  accounts.NewStaff
	// Target is the account a refused row form was about (its messages
	// are shown in that row).
	Target int64
}

// adminHome is GET /staff/admin: the first administration page.
func (h *handlers) adminHome(c *fiber.Ctx) error {
	return c.Redirect(Prefix+"/admin/users", fiber.StatusSeeOther)
}

// users is GET /staff/admin/users[?role=] (admin).
func (h *handlers) users(c *fiber.Ctx) error {
	return h.renderUsers(c, accounts.NewStaff{Role: casework.RoleClerk}, 0, nil)
}

func (h *handlers) renderUsers(c *fiber.Ctx, form accounts.NewStaff, target int64, formErr error) error {
	v := usersView{Role: c.Query("role"), Form: form, Target: target}
	for _, r := range casework.StaffRoles {
		v.Roles = append(v.Roles, casework.Option{Value: string(r), Label: r.Label()})
	}
	list, err := h.d.Accounts.Users(c.UserContext(), actor(c), casework.Role(v.Role))
	if err != nil {
		return h.site.Fail(c, err)
	}
	v.Users = list
	deps, err := h.d.Admin.Departments(c.UserContext(), actor(c))
	if err != nil {
		return h.site.Fail(c, err)
	}
	for _, d := range deps {
		if !d.Disabled {
			v.Depts = append(v.Depts, d.Name)
		}
	}
	p := h.page(c, "用户管理", v, formErr)
	if target != 0 && len(p.Fields) > 0 {
		// A row form's field messages go above the list, naming the account:
		// the new-user form's fields are not theirs.
		msgs := []string{}
		for _, m := range p.Fields {
			msgs = append(msgs, m)
		}
		sort.Strings(msgs)
		p.Error, p.Fields = userName(list, target)+"："+strings.Join(msgs, "；"), nil
	}
	return h.site.Render(c, status(formErr), "users", p)
}

func userName(list []accounts.Staff, id int64) string {
	for _, u := range list {
		if u.ID == id {
			return u.Username
		}
	}
	return "该用户"
}

// createUser is POST /staff/admin/users (admin).
func (h *handlers) createUser(c *fiber.Ctx) error {
	n := accounts.NewStaff{Username: strings.TrimSpace(c.FormValue("username")), Password: c.FormValue("password"),
		Role: casework.Role(c.FormValue("role")), Name: strings.TrimSpace(c.FormValue("name")),
		Department: strings.TrimSpace(c.FormValue("department")), Phone: strings.TrimSpace(c.FormValue("phone"))}
	if _, err := h.d.Accounts.CreateUser(c.UserContext(), actor(c), n); err != nil {
		n.Password = ""
		return h.failForm(c, err, func() error { return h.renderUsers(c, n, 0, err) })
	}
	return h.done(c, "已创建用户 "+n.Username, Prefix+"/admin/users")
}

// rowForm runs one row action on the account of the path and redraws the
// list with its outcome.
func (h *handlers) rowForm(c *fiber.Ctx, msg string, run func(id int64) error) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return h.site.Fail(c, err)
	}
	if err := run(id); err != nil {
		return h.failForm(c, err, func() error { return h.renderUsers(c, accounts.NewStaff{Role: casework.RoleClerk}, id, err) })
	}
	return h.done(c, msg, Prefix+"/admin/users")
}

// setUserDisabled is POST /staff/admin/users/{id}/disable|enable (admin;
// the last admin cannot be disabled, nobody disables themselves).
func (h *handlers) setUserDisabled(disabled bool) fiber.Handler {
	msg := "已启用账户"
	if disabled {
		msg = "已停用账户"
	}
	return func(c *fiber.Ctx) error {
		return h.rowForm(c, msg, func(id int64) error {
			_, err := h.d.Accounts.SetDisabled(c.UserContext(), actor(c), id, disabled)
			return err
		})
	}
}

// changeRole is POST /staff/admin/users/{id}/role {role, department} (admin;
// nobody changes their own role).
func (h *handlers) changeRole(c *fiber.Ctx) error {
	return h.rowForm(c, "已修改角色", func(id int64) error {
		_, err := h.d.Accounts.ChangeRole(c.UserContext(), actor(c), id, casework.Role(c.FormValue("role")),
			strings.TrimSpace(c.FormValue("department")))
		return err
	})
}

// resetPassword is POST /staff/admin/users/{id}/password {password} (admin):
// a temporary password the user must change at the next login.
func (h *handlers) resetPassword(c *fiber.Ctx) error {
	return h.rowForm(c, "已重置密码，用户下次登录时须修改", func(id int64) error {
		return h.d.Accounts.ResetPassword(c.UserContext(), actor(c), id, c.FormValue("password"))
	})
}

// resetTOTP is POST /staff/admin/users/{id}/totp-reset (admin): the user
// enrols a new authenticator at the next login.
func (h *handlers) resetTOTP(c *fiber.Ctx) error {
	return h.rowForm(c, "已重置动态口令，用户下次登录时重新绑定", func(id int64) error {
		return h.d.Accounts.ResetSecondFactor(c.UserContext(), actor(c), id)
	})
}
