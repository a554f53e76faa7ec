package files

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Quota bounds what may be uploaded (issue 10 item 7): per case and per
// enterprise, in files and bytes, and per uploader in time. A zero field
// means no limit of that kind.
type Quota struct {
	CaseFiles       int64
	CaseBytes       int64
	EnterpriseFiles int64
	EnterpriseBytes int64
	// Rate uploads per RateWindow per uploader (member or staff account),
	// counted in Redis so that every instance shares the count.
	Rate       int64
	RateWindow time.Duration
}

// checkRate counts one upload of the viewer in the current window and
// refuses it beyond the rate. Errors: too_many, unavailable.
func (s *Service) checkRate(ctx context.Context, v cases.Viewer) error {
	q := s.o.Quota
	if s.o.KV == nil || q.Rate <= 0 || q.RateWindow <= 0 {
		return nil
	}
	window := s.o.Now().UnixNano() / int64(q.RateWindow)
	key := s.o.KeyPrefix + "rate:" + string(v.Role) + ":" + strconv.FormatInt(v.ID, 10) + ":" + strconv.FormatInt(window, 10)
	var n *redis.IntCmd
	_, err := s.o.KV.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Incr(ctx, key)
		p.Expire(ctx, key, q.RateWindow+time.Minute)
		return nil
	})
	if err != nil {
		return errs.Wrap(errs.Unavailable, "上传服务暂不可用，请稍后再试", err)
	}
	if n.Val() > q.Rate {
		return errs.Ef(errs.TooMany, "上传过于频繁（每%s最多%d个文件），请稍后再试", windowLabel(q.RateWindow), q.Rate)
	}
	return nil
}

func windowLabel(d time.Duration) string {
	if d%time.Hour == 0 {
		return strconv.FormatInt(int64(d/time.Hour), 10) + "小时"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + "分钟"
}

// checkQuota refuses an upload of size bytes that would take the case or
// its enterprise over its quota. Concurrent uploads may each pass the check
// and overshoot by the few files in flight; the rate bounds how many.
// Errors: too_large (quota), unavailable.
func (s *Service) checkQuota(ctx context.Context, c *casework.Case, size int64) error {
	q := s.o.Quota
	if q.CaseFiles > 0 || q.CaseBytes > 0 {
		u, err := s.o.Store.CaseUsage(ctx, c.ID)
		if err != nil {
			return err
		}
		if q.CaseFiles > 0 && u.Files+1 > q.CaseFiles {
			return errs.Ef(errs.TooLarge, "该案件的材料已达上限（%d个文件）", q.CaseFiles)
		}
		if q.CaseBytes > 0 && u.Bytes+size > q.CaseBytes {
			return errs.Ef(errs.TooLarge, "该案件的材料总大小将超过上限（%dMB）", q.CaseBytes>>20)
		}
	}
	if c.EnterpriseID != 0 && (q.EnterpriseFiles > 0 || q.EnterpriseBytes > 0) {
		u, err := s.o.Store.EnterpriseUsage(ctx, c.EnterpriseID)
		if err != nil {
			return err
		}
		if q.EnterpriseFiles > 0 && u.Files+1 > q.EnterpriseFiles {
			return errs.Ef(errs.TooLarge, "本企业的材料已达上限（%d个文件）", q.EnterpriseFiles)
		}
		if q.EnterpriseBytes > 0 && u.Bytes+size > q.EnterpriseBytes {
			return errs.Ef(errs.TooLarge, "本企业的材料总大小将超过上限（%dMB）", q.EnterpriseBytes>>20)
		}
	}
	return nil
}

// LimitUploads sets the upload quota and the Redis client (with its key
// prefix, "sunshine:files:" when empty) that counts the upload rate. The
// composition root calls it once, before the service is used; commands that
// only read or move materials leave it unset.
func (s *Service) LimitUploads(q Quota, kv redis.UniversalClient, keyPrefix string) {
	s.o.Quota, s.o.KV = q, kv
	if keyPrefix != "" {
		s.o.KeyPrefix = keyPrefix
	}
}
