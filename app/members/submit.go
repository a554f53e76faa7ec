package members

import (
	"context"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/idem"
)

// ValidIdempotencyKey reports whether a client-chosen key is acceptable:
// 1–128 characters of letters, digits and - _ . :
func ValidIdempotencyKey(k string) bool { return idem.Valid(k) }

// Submit files an application (FormFull) for the member. With a key, the
// first request creates the case and every replay with the same form gets
// the same case back (replayed is true), also while the first one is still
// running (it waits for the first's transaction) and after any restart of
// Redis: the key is claimed in the database, in the transaction that
// creates the case. The same key with another form is refused. Errors:
// unprocessable (form, or key reused for another form — nothing is
// created), unavailable.
func (s *Service) Submit(ctx context.Context, m *Member, key string, form casework.Form, ch casework.Channel) (c *casework.Case, replayed bool, err error) {
	in := cases.SubmitInput{Form: form, Channel: ch, Mode: casework.FormFull}
	if key != "" {
		in.Key = &idem.Key{Owner: "member:" + itoa(m.ID), Key: key}
	}
	return s.d.Cases.SubmitOnce(ctx, m.Viewer(), in)
}
