package casework

import "time"

// ChinaTime is the time zone deadlines are counted in (UTC+8, no DST).
var ChinaTime = time.FixedZone("CST", 8*3600)

// DateOf is the China calendar date of t as YYYY-MM-DD.
func DateOf(t time.Time) string { return t.In(ChinaTime).Format(time.DateOnly) }

// ParseDate parses YYYY-MM-DD as midnight China time.
func ParseDate(s string) (time.Time, error) { return time.ParseInLocation(time.DateOnly, s, ChinaTime) }

// WorkingDays counts working days on the Chinese calendar (statutory
// holidays and 调休 make-up days). Implemented by package calendar.
type WorkingDays interface {
	// AddWorkingDays returns the date n working days after day (before it for
	// negative n; day itself for 0).
	AddWorkingDays(day time.Time, n int) time.Time
	// WorkingDaysBetween counts working days d with from < d ≤ to, negative
	// when to is before from.
	WorkingDaysBetween(from, to time.Time) int
}

// Directory resolves the people an action names. Implemented by storage.
type Directory interface {
	// Specialist returns the name of an active specialist; ok is false when
	// id is no active specialist.
	Specialist(id int64) (name string, ok bool)
}

// Env is what Apply needs from the world: the time, the calendar and the
// staff directory.
type Env struct {
	Now       time.Time
	Days      WorkingDays
	Directory Directory
}

// DefaultPromisedDays is the 承诺办结时限 when the clerk does not set one.
const DefaultPromisedDays = 20

func (env Env) addDays(from string, n int) string {
	d, err := ParseDate(from)
	if err != nil {
		d = env.today()
	}
	return DateOf(env.Days.AddWorkingDays(d, n))
}

func (env Env) today() time.Time {
	d, _ := ParseDate(DateOf(env.Now))
	return d
}
