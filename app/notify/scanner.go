package notify

import (
	"context"
	"fmt"
	"time"

	"sunshine/app/cases"
	"sunshine/app/casework"
)

// Scanner raises the reminders that no action causes: deadline in 3 and in
// 1 working days (to the specialist, or the head(s) before assignment),
// overdue each working day (specialist and head(s)), and department
// matters due within a working day (the department's liaisons). Every
// instance may scan: each reminder has a dedup key naming the case, the
// deadline (and the day, for overdue) and the recipient, so it is stored
// once however many scanners see it, and a moved deadline (extend,
// suspend, resume) gives new keys — the reminders follow the new date.
type Scanner struct{ s *Service }

// Scanner returns the reminder scanner.
func (s *Service) Scanner() *Scanner { return &Scanner{s: s} }

// Run scans at once and then every ScanInterval until ctx ends.
func (sc *Scanner) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := sc.ScanOnce(ctx); err != nil && ctx.Err() == nil {
			sc.s.log.Warn("reminder scan failed", "err", err)
		}
		t.Reset(sc.s.o.ScanInterval)
	}
}

const scanPage = 200

// ScanOnce stores the reminders due at the service clock's now that are
// not stored yet, and returns how many it stored.
func (sc *Scanner) ScanOnce(ctx context.Context) (int, error) {
	s := sc.s
	now := s.now()
	today, _ := casework.ParseDate(casework.DateOf(now))
	var items []cases.Notification
	var heads []int64
	headsLoaded := false
	headIDs := func() ([]int64, error) {
		if headsLoaded {
			return heads, nil
		}
		var err error
		heads, err = s.d.Store.StaffWithRole(ctx, casework.RoleHead, "")
		headsLoaded = err == nil
		return heads, err
	}

	horizon := casework.DateOf(s.d.Days.AddWorkingDays(today, 3))
	for after := int64(0); ; {
		cs, err := s.d.Store.DeadlineCases(ctx, horizon, after, scanPage)
		if err != nil {
			return 0, err
		}
		for i := range cs {
			c := &cs[i]
			after = c.ID
			if c.RemainingDays != nil {
				continue // the clock is stopped: no reminder on the old deadline
			}
			for _, r := range sc.caseReminders(c, now, today) {
				to := []int64{c.SpecialistID}
				if r.event == EventOverdue || c.SpecialistID == 0 {
					h, err := headIDs()
					if err != nil {
						return 0, err
					}
					to = append(to, h...)
				}
				ev := &casework.Event{CaseID: c.ID, At: now}
				for _, id := range uniqueIDs(to) {
					item := s.address(c, ev, r.note, StaffRecipient(id))
					item.DedupKey = r.key + ":" + item.Recipient
					items = append(items, item)
				}
			}
		}
		if len(cs) < scanPage {
			break
		}
	}

	mhorizon := casework.DateOf(s.d.Days.AddWorkingDays(today, 1))
	for after := int64(0); ; {
		ms, err := s.d.Store.DueMatters(ctx, mhorizon, after, scanPage)
		if err != nil {
			return 0, err
		}
		for _, m := range ms {
			after = m.ID
			dl, err := casework.ParseDate(m.Deadline)
			if err != nil || today.After(dl) || now.Before(sc.at(s.d.Days.AddWorkingDays(dl, -1))) {
				continue
			}
			liaisons, err := s.d.Store.StaffWithRole(ctx, casework.RoleLiaison, m.Department)
			if err != nil {
				return 0, err
			}
			c := &casework.Case{ID: m.CaseID, Number: m.CaseNumber, Form: casework.Form{Project: casework.Project{Name: m.Project}}}
			ev := &casework.Event{CaseID: m.CaseID, At: now}
			for _, id := range uniqueIDs(liaisons) {
				item := s.address(c, ev, msgMatterDue(m).with("note", m.Name, "deadline", m.Deadline), StaffRecipient(id))
				item.DedupKey = fmt.Sprintf("%s:matter:%d:%s:%s", EventMatterDue, m.ID, m.Deadline, item.Recipient)
				items = append(items, item)
			}
		}
		if len(ms) < scanPage {
			break
		}
	}
	for after := int64(0); ; {
		cs, err := s.d.Store.DeliveringCases(ctx, after, scanPage)
		if err != nil {
			return 0, err
		}
		for i := range cs {
			c := &cs[i]
			after = c.ID
			if r, ok := sc.deliveryReminder(c, now, today); ok {
				ev := &casework.Event{CaseID: c.ID, At: now}
				item := s.address(c, ev, r.note, StaffRecipient(c.SpecialistID))
				item.DedupKey = r.key + ":" + item.Recipient
				items = append(items, item)
			}
		}
		if len(cs) < scanPage {
			break
		}
	}
	return sc.store(ctx, items, now)
}

// deliveryReminder is the reminder of a mailed delivery nobody confirmed:
// after DeliveryRemindDays working days, and again after each as many more
// (issue 12 (4)), from ReminderHour.
func (sc *Scanner) deliveryReminder(c *casework.Case, now, today time.Time) (reminder, bool) {
	d := c.Registration.Delivery
	if d.At == nil || c.SpecialistID == 0 || now.Before(sc.at(today)) {
		return reminder{}, false
	}
	sent, _ := casework.ParseDate(casework.DateOf(*d.At))
	days := sc.s.d.Days.WorkingDaysBetween(sent, today)
	every := sc.s.o.DeliveryRemindDays
	if days < every {
		return reminder{}, false
	}
	round := days / every
	key := fmt.Sprintf("%s:case:%d:%s:%d", EventDeliveryUnconfirmed, c.ID, casework.DateOf(*d.At), round)
	return reminder{EventDeliveryUnconfirmed, key, msgDeliveryUnconfirmed(c, round*every)}, true
}

type reminder struct {
	event string
	key   string
	note  note
}

// caseReminders are the reminders of a case due at now (before their
// dedup check): each fires from ReminderHour on its working day, and a
// scanner that was down catches up until the next one takes over.
func (sc *Scanner) caseReminders(c *casework.Case, now, today time.Time) []reminder {
	days := sc.s.d.Days
	dl, err := casework.ParseDate(c.Deadline)
	if err != nil {
		return nil
	}
	d3, d1 := days.AddWorkingDays(dl, -3), days.AddWorkingDays(dl, -1)
	left := days.WorkingDaysBetween(today, dl)
	base := fmt.Sprintf("case:%d:%s", c.ID, c.Deadline)
	var out []reminder
	if !now.Before(sc.at(d3)) && today.Before(d1) {
		out = append(out, reminder{EventDeadline3, EventDeadline3 + ":" + base, msgDeadline(EventDeadline3, c, left)})
	}
	if !now.Before(sc.at(d1)) && !today.After(dl) {
		out = append(out, reminder{EventDeadline1, EventDeadline1 + ":" + base, msgDeadline(EventDeadline1, c, left)})
	}
	workday := days.WorkingDaysBetween(today.AddDate(0, 0, -1), today) == 1
	if today.After(dl) && workday && !now.Before(sc.at(today)) {
		late := days.WorkingDaysBetween(dl, today)
		out = append(out, reminder{EventOverdue, EventOverdue + ":" + base + ":" + casework.DateOf(today), msgOverdue(c, late)})
	}
	return out
}

// at is ReminderHour on the China date of day.
func (sc *Scanner) at(day time.Time) time.Time {
	d := day.In(casework.ChinaTime)
	return time.Date(d.Year(), d.Month(), d.Day(), sc.s.o.ReminderHour, 0, 0, 0, casework.ChinaTime)
}

// store enqueues the reminders whose keys are not stored yet.
func (sc *Scanner) store(ctx context.Context, items []cases.Notification, now time.Time) (int, error) {
	total := 0
	for start := 0; start < len(items); start += scanPage {
		chunk := items[start:min(start+scanPage, len(items))]
		keys := make([]string, len(chunk))
		for i, it := range chunk {
			keys[i] = it.DedupKey
		}
		have, err := sc.s.d.Store.ExistingKeys(ctx, keys)
		if err != nil {
			return total, err
		}
		var fresh []cases.Notification
		for _, it := range chunk {
			if !have[it.DedupKey] {
				fresh = append(fresh, it)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		n, err := sc.s.d.Store.Enqueue(ctx, fresh, now)
		if err != nil {
			return total, err
		}
		total += n
	}
	if total > 0 {
		sc.s.wake.Notify()
	}
	return total, nil
}
