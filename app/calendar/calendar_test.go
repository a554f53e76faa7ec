package calendar

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time { t, _ := time.ParseInLocation(time.DateOnly, s, zone); return t }

func TestIsWorkingDay(t *testing.T) {
	c := New(Seed(), nil)
	for _, tc := range []struct {
		day  string
		want bool
	}{
		{"2026-02-13", true},  // Friday before 春节
		{"2026-02-14", true},  // Saturday, 调休上班
		{"2026-02-16", false}, // Monday in 春节
		{"2026-02-23", false}, // last day of 春节
		{"2026-02-24", true},
		{"2026-02-28", true},  // Saturday, 调休上班
		{"2026-03-01", false}, // plain Sunday
		{"2026-10-10", true},  // Saturday, 国庆调休上班
		{"2026-10-08", true},  // Thursday after 国庆
		{"2026-10-07", false},
		{"2026-01-04", true}, // Sunday, 元旦调休上班
	} {
		if got := c.IsWorkingDay(date(tc.day)); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestAddWorkingDaysAcrossSpringFestival(t *testing.T) {
	c := New(Seed(), nil)
	// From Thursday 2026-02-12: Fri 13, Sat 14 (调休), then the holiday to the
	// 23rd, then Tue 24 is the third working day.
	if got := c.AddWorkingDays(date("2026-02-12"), 3).Format(time.DateOnly); got != "2026-02-24" {
		t.Fatalf("got %s, want 2026-02-24", got)
	}
	// Backwards is the inverse.
	if got := c.AddWorkingDays(date("2026-02-24"), -3).Format(time.DateOnly); got != "2026-02-12" {
		t.Fatalf("got %s, want 2026-02-12", got)
	}
	if got := c.WorkingDaysBetween(date("2026-02-12"), date("2026-02-24")); got != 3 {
		t.Fatalf("between = %d, want 3", got)
	}
	if got := c.WorkingDaysBetween(date("2026-02-24"), date("2026-02-12")); got != -3 {
		t.Fatalf("between reversed = %d, want -3", got)
	}
	if got := c.AddWorkingDays(date("2026-02-12"), 0).Format(time.DateOnly); got != "2026-02-12" {
		t.Fatalf("zero days moved the date: %s", got)
	}
}

func TestNationalDayWithMakeUpSaturday(t *testing.T) {
	c := New(Seed(), nil)
	// 2026-09-30 (Wed) + 2: Oct 1–7 holiday, Thu 8, Fri 9 → Oct 9; +3 → Sat Oct 10 (调休上班).
	if got := c.AddWorkingDays(date("2026-09-30"), 3).Format(time.DateOnly); got != "2026-10-10" {
		t.Fatalf("got %s, want 2026-10-10", got)
	}
}

func TestMissingYearFallsBackToWeekendsAndWarnsOnce(t *testing.T) {
	var buf bytes.Buffer
	c := New(Seed(), slog.New(slog.NewTextHandler(&buf, nil)))
	if !c.IsWorkingDay(date("2027-10-01")) { // a Friday; no 2027 data
		t.Fatal("2027-10-01 should count as a working day without data")
	}
	if c.IsWorkingDay(date("2027-10-02")) {
		t.Fatal("Saturday must not be a working day")
	}
	c.IsWorkingDay(date("2027-10-04"))
	if n := strings.Count(buf.String(), "year=2027"); n != 1 {
		t.Fatalf("warned %d times, want once: %s", n, buf.String())
	}
	if y, missing := c.MissingNextYear(date("2026-11-15")); !missing || y != 2027 {
		t.Fatalf("MissingNextYear = %d,%v; want 2027,true", y, missing)
	}
	if _, missing := c.MissingNextYear(date("2026-06-15")); missing {
		t.Fatal("no warning before November")
	}
}

func TestParseCSVRejectsBadRows(t *testing.T) {
	if _, err := ParseCSV(strings.NewReader("2027-13-01,holiday,x\n")); err == nil {
		t.Fatal("bad date accepted")
	}
	if _, err := ParseCSV(strings.NewReader("2027-01-01,vacation,x\n")); err == nil {
		t.Fatal("bad kind accepted")
	}
	days, err := ParseCSV(strings.NewReader("# c\ndate,kind,name\n2027-01-01,holiday,元旦\n"))
	if err != nil || len(days) != 1 || days[0].Name != "元旦" {
		t.Fatalf("got %v, %v", days, err)
	}
}
