package staffapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/web"
)

// userJSON is a staff account as the API shows it: never the password
// hash, the phone number masked.
type userJSON struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	Role        string `json:"role"`
	RoleLabel   string `json:"role_label"`
	Name        string `json:"name"`
	Department  string `json:"department"`
	WecomUserID string `json:"wecom_userid"`
	Phone       string `json:"phone"`
	Disabled    bool   `json:"disabled"`
	// SecondFactor is whether the account has a confirmed TOTP;
	// MustChangePassword whether its next login must set a new password.
	SecondFactor       bool      `json:"second_factor"`
	MustChangePassword bool      `json:"must_change_password"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

func toUserJSON(u *accounts.Staff) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, Role: string(u.Role), RoleLabel: u.Role.Label(), Name: u.Name,
		Department: u.Department, WecomUserID: u.WecomUserID, Phone: maskPhone(u.Phone), Disabled: u.Disabled,
		SecondFactor: u.TOTPEnabled(), MustChangePassword: u.MustChangePassword,
		CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

type createUserRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	Name        string `json:"name"`
	Department  string `json:"department"`
	WecomUserID string `json:"wecom_userid"`
	Phone       string `json:"phone"`
}

func (r createUserRequest) toNewStaff() accounts.NewStaff {
	return accounts.NewStaff{Username: r.Username, Password: r.Password, Role: casework.Role(r.Role), Name: r.Name,
		Department: r.Department, WecomUserID: r.WecomUserID, Phone: r.Phone}
}

type changeRoleRequest struct {
	Role       string `json:"role"`
	Department string `json:"department"`
}

type passwordRequest struct {
	Password string `json:"password"`
}

// listUsers is GET /users?role= (admin: every account; head: active ones).
func (h *handlers) listUsers(c *fiber.Ctx) error {
	list, err := h.d.Accounts.Users(c.UserContext(), viewerOf(c).Actor, casework.Role(c.Query("role")))
	if err != nil {
		return err
	}
	out := web.List[userJSON]{Items: make([]userJSON, len(list))}
	for i := range list {
		out.Items[i] = toUserJSON(&list[i])
	}
	return c.JSON(out)
}

// createUser is POST /users (admin) → 201 user.
func (h *handlers) createUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.d.Accounts.CreateUser(c.UserContext(), viewerOf(c).Actor, req.toNewStaff())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toUserJSON(u))
}

// getUser is GET /users/{id} (admin).
func (h *handlers) getUser(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.d.Accounts.User(c.UserContext(), viewerOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(u))
}

// setDisabled serves POST /users/{id}/disable and /enable (admin).
func (h *handlers) setDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.PathID(c, "id")
		if err != nil {
			return err
		}
		u, err := h.d.Accounts.SetDisabled(c.UserContext(), viewerOf(c).Actor, id, disabled)
		if err != nil {
			return err
		}
		return c.JSON(toUserJSON(u))
	}
}

// changeRole is PUT /users/{id}/role {role, department} (admin).
func (h *handlers) changeRole(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req changeRoleRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.d.Accounts.ChangeRole(c.UserContext(), viewerOf(c).Actor, id, casework.Role(req.Role), req.Department)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(u))
}

// resetPassword is POST /users/{id}/password {password} (admin) → 204.
func (h *handlers) resetPassword(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.d.Accounts.ResetPassword(c.UserContext(), viewerOf(c).Actor, id, req.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
