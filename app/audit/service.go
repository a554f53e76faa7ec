package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

// ChainStore reads and cuts the chain. Implemented by storage.
type ChainStore interface {
	// ChainState returns the anchor (where the kept chain starts) and the
	// head (its last record). Errors: unavailable.
	ChainState(ctx context.Context) (Anchor, Head, error)
	// ChainRange returns up to limit records with after < Seq <= upto in
	// Seq order. Errors: unavailable.
	ChainRange(ctx context.Context, after, upto int64, limit int) ([]Record, error)
	// Purge removes the oldest records, every one of them older than
	// before, moves the anchor to the last one removed and appends rec, in
	// one transaction; it returns how many went and the new anchor.
	Purge(ctx context.Context, before time.Time, rec *Record) (int64, Anchor, error)
}

// MinRetention is how long records are kept at least: 网络安全法 Art. 21
// asks for network logs of no less than six months; SPEC §6 says 180 days.
const MinRetention = 180 * 24 * time.Hour

// ExportLimit caps one export; a longer period is exported in parts.
const ExportLimit = 50000

// Service is the security auditor's window on the trail (三员分立: the
// auditor reads and exports it, nobody else does) and the operator's chain
// verification and purge. Every query and export is itself audited.
type Service struct {
	store Store
	chain ChainStore
	now   func() time.Time
	log   *slog.Logger
}

// NewService builds the service; chain may be nil where only queries run.
func NewService(store Store, chain ChainStore, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, chain: chain, now: now, log: log}
}

// requireAuditor refuses anyone but the auditor, with a record of the
// denial.
func (s *Service) requireAuditor(ctx context.Context, v casework.Actor, action string) error {
	if v.Role == casework.RoleAuditor {
		return nil
	}
	s.append(ctx, v, action, Denied, "role")
	return errs.E(errs.Forbidden, "只有安全审计员可以查看审计日志")
}

func (s *Service) append(ctx context.Context, v casework.Actor, action, result, detail string) {
	r := &Record{ActorID: v.ID, ActorRole: string(v.Role), ActorName: v.Name, Action: action,
		ObjectType: "audit_log", Result: result, Detail: detail}
	Fill(ctx, r, s.now())
	if err := s.store.Append(ctx, r); err != nil {
		s.log.Error("audit write failed", "action", action, "err", err)
	}
}

// describe is the query as the audit detail of a query or export.
func describe(q Query) string {
	var b []string
	add := func(k, v string) {
		if v != "" {
			b = append(b, k+"="+v)
		}
	}
	if !q.From.IsZero() {
		add("from", q.From.UTC().Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		add("to", q.To.UTC().Format(time.RFC3339))
	}
	if q.ActorID != 0 {
		add("actor_id", strconv.FormatInt(q.ActorID, 10))
	}
	add("action", q.Action)
	add("object_type", q.ObjectType)
	add("object_id", q.ObjectID)
	add("result", q.Result)
	if q.Before != 0 {
		add("before", strconv.FormatInt(q.Before, 10))
	}
	return strings.Join(b, " ")
}

func checkRange(q Query) error {
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return errs.E(errs.Invalid, "结束时间应晚于开始时间")
	}
	return nil
}

// Query returns one page of the trail, newest first (auditor only); the
// query is recorded in the trail. Errors: forbidden, invalid, unavailable.
func (s *Service) Query(ctx context.Context, v casework.Actor, q Query) ([]Record, error) {
	if err := s.requireAuditor(ctx, v, "audit.query"); err != nil {
		return nil, err
	}
	if err := checkRange(q); err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > 201 {
		q.Limit = 50
	}
	s.append(ctx, v, "audit.query", OK, describe(q))
	return s.store.Find(ctx, q)
}

// Export writes the records matching q (newest first, at most ExportLimit)
// as CSV with a UTF-8 byte order mark (Excel opens it as UTF-8), and
// returns how many it wrote (auditor only; the export is recorded before it
// runs, so an aborted download is recorded too). Cells that a spreadsheet
// would read as a formula are prefixed with an apostrophe.
// Errors: forbidden, invalid, unavailable.
func (s *Service) Export(ctx context.Context, v casework.Actor, q Query, w io.Writer) (int, error) {
	if err := s.requireAuditor(ctx, v, "audit.export"); err != nil {
		return 0, err
	}
	if err := checkRange(q); err != nil {
		return 0, err
	}
	s.append(ctx, v, "audit.export", OK, describe(q))
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "seq", "at", "actor_id", "actor_role", "actor_name", "ip", "action",
		"object_type", "object_id", "result", "request_id", "detail", "prev_hash", "hash"})
	n := 0
	q.Before = 0
	for n < ExportLimit {
		q.Limit = min(1000, ExportLimit-n)
		page, err := s.store.Find(ctx, q)
		if err != nil {
			return n, err
		}
		for _, r := range page {
			_ = cw.Write([]string{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.Seq, 10),
				r.At.UTC().Format(TimeLayout), strconv.FormatInt(r.ActorID, 10), cell(r.ActorRole), cell(r.ActorName),
				cell(r.IP), cell(r.Action), cell(r.ObjectType), cell(r.ObjectID), cell(r.Result), cell(r.RequestID),
				cell(r.Detail), r.PrevHash, r.Hash})
			n++
		}
		if len(page) < q.Limit {
			break
		}
		q.Before = page[len(page)-1].ID
	}
	cw.Flush()
	return n, cw.Error()
}

// cell defuses spreadsheet formulas (CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// VerifyResult is the outcome of a chain walk.
type VerifyResult struct {
	Checked int64
	Anchor  Anchor
	Head    Head
	Break   *Break // nil: the chain holds
}

// Verify walks the kept chain from the anchor to the head as it stands
// when the walk begins (records appended meanwhile are left for the next
// walk) and returns the first break. Errors: unavailable.
func (s *Service) Verify(ctx context.Context) (*VerifyResult, error) {
	anchor, head, err := s.chain.ChainState(ctx)
	if err != nil {
		return nil, err
	}
	v := NewVerifier(anchor)
	after := anchor.Seq
	for after < head.Seq {
		page, err := s.chain.ChainRange(ctx, after, head.Seq, 1000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			if !v.Add(&page[i]) {
				brk, n := v.Finish(head)
				return &VerifyResult{Checked: n, Anchor: anchor, Head: head, Break: brk}, nil
			}
		}
		after = page[len(page)-1].Seq
	}
	brk, n := v.Finish(head)
	return &VerifyResult{Checked: n, Anchor: anchor, Head: head, Break: brk}, nil
}

// Purge removes the records older than before, which must lie at least
// MinRetention in the past, and records itself in the trail (by is who runs
// it: the operator at the command line). Errors: invalid (too recent),
// unavailable.
func (s *Service) Purge(ctx context.Context, by casework.Actor, before time.Time) (int64, Anchor, error) {
	limit := s.now().Add(-MinRetention)
	if before.After(limit) {
		s.append(ctx, by, "audit.purge", Denied, "before="+before.UTC().Format(time.RFC3339))
		return 0, Anchor{}, errs.Ef(errs.Invalid, "审计记录至少保留180天：只能清理 %s 之前的记录",
			limit.In(casework.ChinaTime).Format("2006-01-02 15:04"))
	}
	r := &Record{ActorID: by.ID, ActorRole: string(by.Role), ActorName: by.Name, Action: "audit.purge",
		ObjectType: "audit_log", Result: OK, Detail: "before=" + before.UTC().Format(time.RFC3339)}
	Fill(ctx, r, s.now())
	n, a, err := s.chain.Purge(ctx, before, r)
	if err != nil {
		return 0, Anchor{}, err
	}
	s.log.Info("audit records purged", "before", before.UTC(), "removed", n, "anchor_seq", a.Seq)
	return n, a, nil
}

// String describes a break for an operator.
func (b *Break) String() string {
	return fmt.Sprintf("seq %d (id %d): %s", b.Seq, b.ID, b.Reason)
}
