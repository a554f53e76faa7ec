package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"sunshine/app/errs"
)

// Backoff is the wait after the n-th failed attempt (the last entry
// repeats) while the retry window lasts: 1 min, 5 min, 30 min, 2 h, then
// every 6 h, up to RetryWindow after the row was due; then it is failed.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}

// RetryWindow is how long a row is retried before it is failed for good.
const RetryWindow = 24 * time.Hour

// NextAttempt returns when to try again after attempts failed attempts, or
// false when the window ending at until is over. The last attempt is at
// until itself.
func NextAttempt(attempts int, now, until time.Time) (time.Time, bool) {
	if !now.Before(until) {
		return time.Time{}, false
	}
	d := Backoff[min(max(attempts, 1), len(Backoff))-1]
	next := now.Add(d)
	if next.After(until) {
		next = until
	}
	return next, true
}

// Worker delivers due outbox rows. Any number of workers may run, in one
// process or many, against one database.
type Worker struct {
	s    *Service
	name string
}

// NewWorker returns a worker; name shows in logs ("" for a random one).
func (s *Service) NewWorker(name string) *Worker {
	if name == "" {
		name = "w-" + token()[:8]
	}
	return &Worker{s: s, name: name}
}

// Run delivers until ctx ends: at once when woken, then every
// PollInterval. After a wake-up it looks again shortly after, since the
// action that woke it may commit a moment later.
func (w *Worker) Run(ctx context.Context) {
	wake := w.s.wake.Subscribe(ctx)
	poll := time.NewTimer(0)
	defer poll.Stop()
	var followUps []time.Duration
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
			followUps = []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second}
		case <-poll.C:
		}
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.s.log.Warn("notification worker pass failed", "worker", w.name, "err", err)
		}
		next := w.s.o.PollInterval
		if len(followUps) > 0 {
			next, followUps = followUps[0], followUps[1:]
		}
		poll.Reset(next)
	}
}

// RunOnce delivers every row due now and returns how many this worker
// handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		ids, err := w.s.d.Store.DueIDs(ctx, w.s.now(), w.s.o.Batch)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		done := 0
		for _, id := range ids {
			ok, err := w.process(ctx, id)
			if err != nil {
				return total, err
			}
			if ok {
				done++
			}
		}
		total += done
		if done == 0 || len(ids) < w.s.o.Batch {
			return total, nil
		}
	}
	return total, ctx.Err()
}

// process claims one row, delivers it and records the outcome. The claim
// is one conditional UPDATE, so of several workers exactly one gets it.
// Only a crash between the send and Finish can send it twice (after the
// claim expires); a crash before the send leaves it to the next claim.
func (w *Worker) process(ctx context.Context, id int64) (bool, error) {
	s := w.s
	tok := token()
	now := s.now()
	row, ok, err := s.d.Store.Claim(ctx, id, tok, now, now.Add(s.o.ClaimTTL))
	if err != nil || !ok {
		return false, err
	}
	dctx, cancel := context.WithTimeout(ctx, s.o.ClaimTTL/2)
	res := s.deliver(dctx, row)
	cancel()

	at := s.now()
	out := Outcome{At: at, LastError: res.summary()}
	switch {
	case res.channel != "":
		out.State, out.Channel = StateSent, res.channel
	case res.retry && ctx.Err() != nil: // stopping: leave it to the next worker at once
		out.State, out.NextAttemptAt = StatePending, at
	case res.retry:
		next, ok := NextAttempt(row.Attempts, at, row.RetryUntil)
		out.State, out.NextAttemptAt = StatePending, next
		if !ok {
			out.State, out.NextAttemptAt = StateFailed, at
		}
	default:
		out.State, out.NextAttemptAt = StateFailed, at
	}
	if err := w.finish(ctx, id, tok, out); err != nil {
		s.log.Error("notification outcome not recorded: after its claim expires it may be sent twice",
			"worker", w.name, "notification", id, "err", err)
		return true, nil
	}
	lvl := s.log.Info
	if out.State != StateSent {
		lvl = s.log.Warn
	}
	lvl("notification", "worker", w.name, "id", id, "event", row.Event, "state", out.State,
		"channel", out.Channel, "attempt", row.Attempts, "detail", out.LastError)
	return true, nil
}

// finish records the outcome, also when the worker is stopping, trying a
// few times over a database hiccup: an unrecorded send is the one way a
// notification can go out twice.
func (w *Worker) finish(ctx context.Context, id int64, tok string, out Outcome) error {
	ctx = context.WithoutCancel(ctx)
	var err error
	for i := range 3 {
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = w.s.d.Store.Finish(fctx, id, tok, out)
		cancel()
		if err == nil || errs.Is(err, errs.Conflict) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 500 * time.Millisecond)
	}
	return err
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
