package stats

import (
	"testing"
	"time"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

func TestParseRange(t *testing.T) {
	now := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC) // 09:00 in China
	s := New(nil, nil, nil, func() time.Time { return now }, nil)
	for _, tc := range []struct {
		from, to         string
		wantFrom, wantTo string
		bad              bool
	}{
		{"", "", "2026-11-01", "2026-11-28", false},
		{"2026-01-01", "2026-03-31", "2026-01-01", "2026-03-31", false},
		{"2026-03-31", "2026-03-01", "", "", true},
		{"2026-02-30", "", "", "", true},
		{"20260101", "", "", "", true},
		{"2022-01-01", "2026-01-01", "", "", true}, // longer than three years
	} {
		r, err := s.ParseRange(tc.from, tc.to)
		if tc.bad {
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("ParseRange(%q, %q) = %v, want invalid", tc.from, tc.to, err)
			}
			continue
		}
		if err != nil || r.From != tc.wantFrom || r.To != tc.wantTo {
			t.Errorf("ParseRange(%q, %q) = %+v, %v; want %s..%s", tc.from, tc.to, r, err, tc.wantFrom, tc.wantTo)
		}
	}
}

func TestRangeBoundsAreChinaDays(t *testing.T) {
	from, to := Range{From: "2026-03-01", To: "2026-03-31"}.bounds()
	if want := time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("from = %v, want %v", from, want)
	}
	if want := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC); !to.Equal(want) {
		t.Errorf("to = %v, want %v (the end of 03-31 in China)", to, want)
	}
	if casework.DateOf(to.Add(-time.Nanosecond)) != "2026-03-31" {
		t.Error("the last instant of the range is not on 03-31 in China")
	}
}
