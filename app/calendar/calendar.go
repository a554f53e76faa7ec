// Package calendar counts working days on the Chinese calendar: weekends,
// statutory holidays and the 调休 make-up working days that fall on
// weekends. Years are kept in the database and edited by an admin; the
// published calendars are shipped as seed data. A year without data falls
// back to weekends only, with a warning.
package calendar

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind says what a listed date is.
type Kind string

// Kinds of listed dates.
const (
	Holiday Kind = "holiday" // 法定节假日 or 调休放假
	Workday Kind = "workday" // 调休上班 on a weekend
)

// Day is one listed date.
type Day struct {
	Date string // YYYY-MM-DD
	Kind Kind
	Name string
}

// Year returns the year of the day.
func (d Day) Year() int { y, _ := strconv.Atoi(d.Date[:4]); return y }

//go:embed data/cn-holidays-2025-2026.csv
var seedCSV []byte

// SeedSource names where the shipped calendars come from.
const SeedSource = "国务院办公厅关于2025年部分节假日安排的通知（2024-11-12）；国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）"

// Seed returns the shipped calendars (2025 and 2026).
func Seed() []Day {
	days, err := ParseCSV(bytes.NewReader(seedCSV))
	if err != nil {
		panic("calendar: bad seed data: " + err.Error())
	}
	return days
}

// ParseCSV reads "date,kind,name" lines; '#' lines and the header are skipped.
func ParseCSV(r io.Reader) ([]Day, error) {
	var out []Day
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "date,") {
			continue
		}
		parts := strings.SplitN(line, ",", 3)
		if len(parts) < 2 {
			return nil, fmt.Errorf("line %d: want date,kind,name", n)
		}
		d := Day{Date: strings.TrimSpace(parts[0]), Kind: Kind(strings.TrimSpace(parts[1]))}
		if len(parts) == 3 {
			d.Name = strings.TrimSpace(parts[2])
		}
		if err := d.Validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, d)
	}
	return out, sc.Err()
}

// Validate checks the date and the kind.
func (d Day) Validate() error {
	if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
		return fmt.Errorf("日期格式不正确：%q", d.Date)
	}
	if d.Kind != Holiday && d.Kind != Workday {
		return fmt.Errorf("类型只能是 holiday 或 workday：%q", d.Kind)
	}
	return nil
}

// Calendar answers working-day questions. It is safe for concurrent use.
type Calendar struct {
	mu     sync.RWMutex
	days   map[string]Kind
	years  map[int]bool
	warned map[int]bool
	log    *slog.Logger
}

// New builds a calendar from listed days; log receives the one warning per
// year that has no data (nil discards).
func New(days []Day, log *slog.Logger) *Calendar {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Calendar{log: log}
	c.Load(days)
	return c
}

// Load replaces every year with days (used at start and on reload).
func (c *Calendar) Load(days []Day) {
	m, years := make(map[string]Kind, len(days)), map[int]bool{}
	for _, d := range days {
		m[d.Date] = d.Kind
		years[d.Year()] = true
	}
	c.mu.Lock()
	c.days, c.years, c.warned = m, years, map[int]bool{}
	c.mu.Unlock()
}

// Years lists the years that have data, ascending.
func (c *Calendar) Years() []int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// HasYear reports whether year has data.
func (c *Calendar) HasYear(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.years[year]
}

// MissingNextYear reports the next year when it has no data and it is
// November or December: deadlines already run into it, so the admin is warned.
func (c *Calendar) MissingNextYear(now time.Time) (int, bool) {
	now = now.In(zone)
	next := now.Year() + 1
	return next, now.Month() >= time.November && !c.HasYear(next)
}

var zone = time.FixedZone("CST", 8*3600)

// IsWorkingDay reports whether the China date of t is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	t = t.In(zone)
	key := t.Format(time.DateOnly)
	c.mu.RLock()
	kind, listed := c.days[key]
	known := c.years[t.Year()]
	c.mu.RUnlock()
	if listed {
		return kind == Workday
	}
	if !known {
		c.warnOnce(t.Year())
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func (c *Calendar) warnOnce(year int) {
	c.mu.Lock()
	first := !c.warned[year]
	c.warned[year] = true
	c.mu.Unlock()
	if first {
		c.log.Warn("no holiday calendar for this year: counting weekends only; an admin should enter it", "year", year)
	}
}

// AddWorkingDays returns the date n working days after day (before it for
// negative n, day itself for 0), at midnight China time.
func (c *Calendar) AddWorkingDays(day time.Time, n int) time.Time {
	d := midnight(day)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts working days d with from < d ≤ to (by date);
// negative when to is before from.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := midnight(from), midnight(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

func midnight(t time.Time) time.Time {
	t = t.In(zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
}
