package notify_test

import (
	"context"
	"testing"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/casework"
	"sunshine/app/casework/caseworktest"
	"sunshine/app/storage"
)

// The people and the application form of the tests.

func createStaff(t *testing.T, db *storage.DB, role casework.Role, name, wecom, dept string) casework.Actor {
	t.Helper()
	s := &accounts.Staff{Username: string(role) + "-" + randHex(3), PasswordHash: "x", Role: role, Name: name,
		WecomUserID: wecom, Department: dept, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.Staff().CreateStaff(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s.Actor()
}

func seedStaff(t *testing.T, e *env, role casework.Role, name, wecom, dept string) int64 {
	return createStaff(t, e.db, role, name, wecom, dept).ID
}

func seedPeople(t *testing.T, db *storage.DB) people {
	t.Helper()
	staff := func(role casework.Role, name, wecom, dept string) casework.Actor {
		return createStaff(t, db, role, name, wecom, dept)
	}
	p := people{
		clerk:       staff(casework.RoleClerk, "周窗口", "zhou", ""),
		head:        staff(casework.RoleHead, "陈主任", "head-chen", ""),
		specialist:  staff(casework.RoleSpecialist, "王专员", "wang", ""),
		specialist2: staff(casework.RoleSpecialist, "李专员", "li", ""),
		admin:       staff(casework.RoleAdmin, "管理员", "", ""),
	}
	p.enterpriseID = insertEnterprise(t, db, "阳光科技有限公司", creditCode)
	p.alice = insertMember(t, db, "alice", p.enterpriseID, true, "")
	p.carol = insertMember(t, db, "carol", p.enterpriseID, false, "")
	other := insertEnterprise(t, db, "别家公司", "91350100MA2XYZ1234")
	p.bob = insertMember(t, db, "bob", other, true, "")
	return p
}

const creditCode = "91350100M000100Y43"

func insertEnterprise(t *testing.T, db *storage.DB, name, code string) int64 {
	t.Helper()
	now := time.Now().UTC()
	if err := db.W.Exec("INSERT INTO enterprises (name, credit_code, created_at, updated_at) VALUES (?, ?, ?, ?)",
		name, code, now, now).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	db.W.Raw("SELECT id FROM enterprises WHERE credit_code = ?", code).Scan(&id)
	return id
}

// insertMember adds the WeChat user sim-<name> (openid sim-openid-<name>).
func insertMember(t *testing.T, db *storage.DB, name string, enterpriseID int64, verified bool, oaOpenID string) int64 {
	t.Helper()
	now := time.Now().UTC()
	role := "member"
	if verified {
		role = "admin"
	}
	if err := db.W.Exec(`INSERT INTO members (openid, unionid, oa_openid, name, enterprise_id, member_role, verified, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, "sim-openid-"+name, "sim-unionid-"+name, oaOpenID, name, enterpriseID, role, verified, now, now).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	db.W.Raw("SELECT id FROM members WHERE openid = ?", "sim-openid-"+name).Scan(&id)
	return id
}

// validForm is the shared kit's form with a long project name (templates
// cut it) and the test enterprise's credit code.
func validForm() casework.Form {
	f := caseworktest.Form()
	f.Enterprise.CreditCode = creditCode
	f.Project.Name = "智能制造产业园二期标准厂房及配套研发中心建设项目"
	f.Entrustment.Stages, f.Entrustment.Matters = []string{"planning"}, "施工许可证办理"
	return f
}
