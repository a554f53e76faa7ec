package storage

import (
	"context"

	"sunshine/app/casework"
	"sunshine/app/errs"
	"sunshine/app/notify"
)

// EnterpriseMembers lists the verified members of an enterprise, found by
// id or, when enterpriseID is 0, by the credit code of a registered one.
func (n *Notifications) EnterpriseMembers(ctx context.Context, enterpriseID int64, creditCode string) ([]int64, error) {
	db := n.db.R.WithContext(ctx)
	if enterpriseID == 0 && creditCode != "" {
		var ids []int64
		if err := db.Table("enterprises").Where("credit_code = ?", creditCode).Limit(1).Pluck("id", &ids).Error; err != nil {
			return nil, translate(err, "企业")
		}
		if len(ids) == 1 {
			enterpriseID = ids[0]
		}
	}
	if enterpriseID == 0 {
		return nil, nil
	}
	var ids []int64
	err := db.Table("members").Where("enterprise_id = ? AND verified = ?", enterpriseID, true).Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "企业用户")
}

// StaffWithRole lists active staff of a role (of one department when set).
func (n *Notifications) StaffWithRole(ctx context.Context, role casework.Role, department string) ([]int64, error) {
	q := n.db.R.WithContext(ctx).Table("staff_users").Where("role = ? AND disabled = ?", string(role), false)
	if department != "" {
		q = q.Where("department = ?", department)
	}
	var ids []int64
	err := q.Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "人员")
}

// LastActorOf returns the staff actor of the newest event of an action.
func (n *Notifications) LastActorOf(ctx context.Context, caseID int64, action casework.Action) (int64, error) {
	var rows []struct {
		ActorID   int64
		ActorRole string
	}
	err := n.db.R.WithContext(ctx).Table("case_events").Select("actor_id, actor_role").
		Where("case_id = ? AND action = ?", caseID, string(action)).Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return 0, translate(err, "时间线")
	}
	if len(rows) == 0 || !casework.Role(rows[0].ActorRole).IsStaff() {
		return 0, nil
	}
	return rows[0].ActorID, nil
}

// Member returns how to reach a member.
func (n *Notifications) Member(ctx context.Context, id int64) (notify.MemberContact, error) {
	var rows []struct {
		OpenID   string `gorm:"column:openid"`
		OAOpenID string `gorm:"column:oa_openid"`
	}
	err := n.db.R.WithContext(ctx).Table("members").Select("openid, oa_openid").Where("id = ?", id).Limit(1).Find(&rows).Error
	if err != nil {
		return notify.MemberContact{}, translate(err, "企业用户")
	}
	if len(rows) == 0 {
		return notify.MemberContact{}, errs.E(errs.NotFound, "企业用户不存在")
	}
	return notify.MemberContact{OpenID: rows[0].OpenID, OAOpenID: rows[0].OAOpenID}, nil
}

// Staff returns how to reach a staff user.
func (n *Notifications) Staff(ctx context.Context, id int64) (notify.StaffContact, error) {
	var rows []staffRow
	if err := n.db.R.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return notify.StaffContact{}, translate(err, "人员")
	}
	if len(rows) == 0 {
		return notify.StaffContact{}, errs.E(errs.NotFound, "人员不存在")
	}
	r := rows[0]
	return notify.StaffContact{Name: r.Name, WecomUserID: r.WecomUserid, Disabled: r.Disabled}, nil
}

// reminderStatuses are those in which the deadline clock runs (not while
// the enterprise supplements materials, nor while suspended): the same as
// the overdue filter of ListCases and casework's clock.
var reminderStatuses = runningStatuses

// DeadlineCases lists running cases with a deadline on or before horizon.
func (n *Notifications) DeadlineCases(ctx context.Context, horizon string, afterID int64, limit int) ([]casework.Case, error) {
	var rows []caseRow
	err := n.db.R.WithContext(ctx).
		Where("deadline <> '' AND deadline <= ? AND status IN ? AND id > ?", horizon, reminderStatuses, afterID).
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "案件")
	}
	out := make([]casework.Case, len(rows))
	for i := range rows {
		out[i] = *rows[i].toCase()
	}
	return out, nil
}

// DeliveringCases lists cases whose mailed delivery is not confirmed.
func (n *Notifications) DeliveringCases(ctx context.Context, afterID int64, limit int) ([]casework.Case, error) {
	var rows []caseRow
	err := n.db.R.WithContext(ctx).Where("status = ? AND id > ?", string(casework.Delivering), afterID).
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "案件")
	}
	out := make([]casework.Case, len(rows))
	for i := range rows {
		out[i] = *rows[i].toCase()
	}
	return out, nil
}

// DueMatters lists unfinished matters of cases in service with a deadline
// on or before horizon.
func (n *Notifications) DueMatters(ctx context.Context, horizon string, afterID int64, limit int) ([]notify.Matter, error) {
	var out []notify.Matter
	err := n.db.R.WithContext(ctx).Table("department_matters m").
		Select("m.id AS id, m.case_id AS case_id, c.number AS case_number, c.project_name AS project, "+
			"m.department AS department, m.name AS name, m.deadline AS deadline").
		Joins("JOIN cases c ON c.id = m.case_id").
		Where("m.deadline <> '' AND m.deadline <= ? AND m.status <> ? AND m.id > ?", horizon, "done", afterID).
		Where("c.status IN ?", casework.StatusNames(casework.Holding)).
		Order("m.id").Limit(limit).Scan(&out).Error
	return out, translate(err, "事项")
}

// ExistingKeys returns which dedup keys are stored.
func (n *Notifications) ExistingKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	var have []string
	err := n.db.R.WithContext(ctx).Model(&notificationRow{}).Where("dedup_key IN ?", keys).Pluck("dedup_key", &have).Error
	for _, k := range have {
		out[k] = true
	}
	return out, translate(err, "通知")
}
