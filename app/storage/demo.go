package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// DemoMember stores an enterprise (if its credit code is new) and a verified
// administrator member with the given openid, for the demo data set. It
// returns the member and enterprise ids.
func (db *DB) DemoMember(ctx context.Context, openid, unionid, name, phone, enterprise, creditCode, address string) (memberID, enterpriseID int64, err error) {
	now := time.Now().UTC()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Table("enterprises").Select("id").Where("credit_code = ?", creditCode).Scan(&enterpriseID).Error; err != nil {
			return err
		}
		if enterpriseID == 0 {
			row := map[string]any{"name": enterprise, "credit_code": creditCode, "address": address, "created_at": now, "updated_at": now}
			if err := tx.Table("enterprises").Create(row).Error; err != nil {
				return err
			}
			if err := tx.Table("enterprises").Select("id").Where("credit_code = ?", creditCode).Scan(&enterpriseID).Error; err != nil {
				return err
			}
		}
		m := map[string]any{"openid": openid, "unionid": unionid, "name": name, "phone": phone, "enterprise_id": enterpriseID,
			"member_role": "admin", "verified": true, "created_at": now, "updated_at": now}
		if err := tx.Table("members").Create(m).Error; err != nil {
			return err
		}
		if err := tx.Table("members").Select("id").Where("openid = ?", openid).Scan(&memberID).Error; err != nil {
			return err
		}
		// The first registrant of a credit code is its administrator.
		return tx.Table("enterprises").Where("id = ? AND (admin_id IS NULL OR admin_id = 0)", enterpriseID).
			Update("admin_id", memberID).Error
	})
	return memberID, enterpriseID, translate(err, "演示企业用户")
}
