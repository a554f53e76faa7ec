package consult_test

import (
	"context"
	"errors"
	"testing"

	"sunshine/app/audit"
	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/consult"
	"sunshine/app/errs"
	"sunshine/app/idem"
)

// brokenStore fails like a database that does not answer.
type brokenStore struct{}

func (brokenStore) IdempotencyKey(context.Context, string, string, string) (string, int64, bool, error) {
	return "", 0, false, errors.New("dial tcp: connection refused")
}

func (brokenStore) CreateConsultation(context.Context, *consult.Record, *audit.Record, *idem.Key) error {
	return errs.Wrap(errs.Internal, "", errors.New("dial tcp: connection refused"))
}
func (brokenStore) ConsultationByID(context.Context, int64) (*consult.Record, error) {
	return nil, errs.Wrap(errs.Internal, "", errors.New("dial tcp: connection refused"))
}
func (brokenStore) ListConsultations(context.Context, consult.Filter) ([]consult.Record, error) {
	return nil, errs.Wrap(errs.Internal, "", errors.New("dial tcp: connection refused"))
}

type nopTrail struct{}

func (nopTrail) Append(context.Context, *audit.Record) error               { return nil }
func (nopTrail) Find(context.Context, audit.Query) ([]audit.Record, error) { return nil, nil }

// TestGetKeepsStoreFailures: a database failure is not a missing record;
// answering 404 would tell the clerk the record is gone.
func TestGetKeepsStoreFailures(t *testing.T) {
	svc := consult.New(brokenStore{}, nil, nopTrail{}, nil, nil)
	clerk := cases.Viewer{Actor: casework.Actor{ID: 1, Role: casework.RoleClerk, Name: "窗口"}}
	_, err := svc.Get(context.Background(), clerk, 7)
	if got := errs.CodeOf(err); got != errs.Internal {
		t.Fatalf("store failure answered %q (%v), want internal", got, err)
	}
}
