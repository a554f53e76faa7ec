package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"sunshine/app/audit"
	"sunshine/app/errs"
)

// OrphanAge is how old a pending object must be before Sweep decides about
// it: an upload in flight is never that slow.
const OrphanAge = 24 * time.Hour

// SweepResult counts what Sweep did.
type SweepResult struct {
	Promoted int // pending objects whose row exists, moved to their final key
	Removed  int // pending objects without a row, and garbage objects, deleted
}

// Sweep settles the pending objects older than OrphanAge: promoted when a
// row names them (the move after the commit did not happen), removed when
// none does (the row was never committed); and removes the objects that
// rotation replaced. Every instance may run it: each step is idempotent.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	cutoff := s.o.Now().Add(-OrphanAge)
	var old []string
	err := s.blobs.List(ctx, PendingPrefix, func(key string, modified time.Time) error {
		if modified.Before(cutoff) {
			old = append(old, key)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	for _, key := range old {
		name, _ := NameOfKey(key)
		_, err := s.o.Store.AttachmentByStoredName(ctx, name)
		switch {
		case err == nil:
			if err := s.blobs.Move(ctx, key, FinalKey(name)); err != nil && !errors.Is(err, ErrNoObject) {
				return res, err
			}
			res.Promoted++
		case errs.Is(err, errs.NotFound):
			if err := s.blobs.Delete(ctx, key); err != nil {
				return res, err
			}
			res.Removed++
		default:
			return res, err
		}
	}
	for {
		names, err := s.o.Store.Garbage(ctx, 100)
		if err != nil || len(names) == 0 {
			return res, err
		}
		for _, name := range names {
			if err := s.blobs.Delete(ctx, FinalKey(name)); err != nil {
				return res, err
			}
			if err := s.blobs.Delete(ctx, PendingKey(name)); err != nil {
				return res, err
			}
			if err := s.o.Store.DropGarbage(ctx, name); err != nil {
				return res, err
			}
			res.Removed++
		}
	}
}

// RunSweeper sweeps every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if res, err := s.Sweep(ctx); err != nil {
				s.o.Log.Warn("materials sweep failed", "err", err)
			} else if res.Promoted+res.Removed > 0 {
				s.o.Log.Info("materials swept", "promoted", res.Promoted, "removed", res.Removed)
			}
		}
	}
}

// RotateResult counts what Rotate did.
type RotateResult struct {
	Rotated   int // re-encrypted under the current key by this call
	Remaining int // still under another key
}

// Rotate re-encrypts, under the current key, the materials still under
// another key (the previous key, or no recorded key), at most limit of them
// (0: all). Each file is written as a new object, the row switched to it in
// one transaction, then the old object removed, so an interruption at any
// point leaves every file readable, and running Rotate again resumes: the
// rows themselves are the progress.
func (s *Service) Rotate(ctx context.Context, limit int) (RotateResult, error) {
	var res RotateResult
	var after int64
	for limit <= 0 || res.Rotated < limit {
		batch, err := s.o.Store.AttachmentsAfter(ctx, after, 100, s.keyID)
		if err != nil {
			return res, err
		}
		if len(batch) == 0 {
			break
		}
		for i := range batch {
			if limit > 0 && res.Rotated >= limit {
				break
			}
			m := &batch[i]
			after = m.ID
			if err := s.rotateOne(ctx, m); err != nil {
				return res, fmt.Errorf("attachment %d: %w", m.ID, err)
			}
			res.Rotated++
		}
	}
	rest, err := s.countNotUnderKey(ctx)
	res.Remaining = rest
	if res.Rotated > 0 {
		rec := &audit.Record{ActorRole: "system", ActorName: "rotate-attachment-key", Action: "attachment.rotate_key",
			ObjectType: "attachment", Result: audit.OK, Detail: fmt.Sprintf("rotated=%d remaining=%d key=%s", res.Rotated, rest, s.keyID)}
		audit.Fill(ctx, rec, s.o.Now())
		if aerr := s.o.Audit.Append(ctx, rec); aerr != nil && err == nil {
			err = aerr
		}
	}
	return res, err
}

func (s *Service) countNotUnderKey(ctx context.Context) (int, error) {
	n := 0
	var after int64
	for {
		batch, err := s.o.Store.AttachmentsAfter(ctx, after, 1000, s.keyID)
		if err != nil || len(batch) == 0 {
			return n, err
		}
		n += len(batch)
		after = batch[len(batch)-1].ID
	}
}

func (s *Service) rotateOne(ctx context.Context, m *Meta) error {
	plain, err := s.openPlain(ctx, m)
	if err != nil {
		return err
	}
	defer plain.Close()
	name, err := randomName()
	if err != nil {
		return err
	}
	// The plaintext's checksum is verified at its end, so a damaged file
	// fails the upload instead of being re-encrypted.
	if err := s.put(ctx, PendingKey(name), name, plain, m.Size); err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), PendingKey(name))
		return err
	}
	if err := s.o.Store.ReplaceObject(ctx, m.ID, m.StoredName, name, s.keyID); err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), PendingKey(name))
		return err
	}
	if err := s.blobs.Move(ctx, PendingKey(name), FinalKey(name)); err != nil {
		return err
	}
	for _, key := range []string{FinalKey(m.StoredName), PendingKey(m.StoredName)} {
		if err := s.blobs.Delete(ctx, key); err != nil {
			return err
		}
	}
	return s.o.Store.DropGarbage(ctx, m.StoredName)
}

// Import stores the encrypted object of a stored name as it is (restore of
// a backup): the ciphertext is bound to the name, so it must keep it.
func (s *Service) Import(ctx context.Context, name string, r io.Reader, size int64) error {
	if !storedNameRe.MatchString(name) {
		return errors.New("files: invalid stored name")
	}
	return s.blobs.Put(ctx, FinalKey(name), r, size)
}

// Verify reads a whole attachment through its key and checksum, without
// audit: the restore drill and the rotation check use it.
func (s *Service) Verify(ctx context.Context, m *Meta) error {
	rc, err := s.openPlain(ctx, m)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}
