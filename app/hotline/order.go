package hotline

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"sunshine/app/cases"
	"sunshine/app/casework"
	"sunshine/app/errs"
)

// Order is a work order of the hotline, as its system sends it.
type Order struct {
	OrderNo    string
	Title      string
	Content    string
	Company    string
	CreditCode string
	Contact    string
	Phone      string
	ReceivedAt string // RFC 3339 or "2006-01-02 15:04:05" (China time)
}

var orderNoRe = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// formFields maps the form's field paths back to the order's JSON names.
var formFields = map[string]string{
	"enterprise.name": "company", "enterprise.credit_code": "credit_code",
	"enterprise.lead.name": "contact", "enterprise.lead.phone": "phone", "entrustment.matters": "content",
}

// normalize trims every field and reduces the phone to digits (and the
// dash of a landline), dropping a +86 prefix.
func (o *Order) normalize() {
	for _, s := range []*string{&o.OrderNo, &o.Title, &o.Content, &o.Company, &o.CreditCode, &o.Contact, &o.Phone, &o.ReceivedAt} {
		*s = strings.TrimSpace(*s)
	}
	o.CreditCode = strings.ToUpper(o.CreditCode)
	p := strings.NewReplacer(" ", "", "(", "", ")", "", "（", "", "）", "").Replace(o.Phone)
	if strings.HasPrefix(p, "+86") {
		p = p[3:]
	} else if len(p) == 13 && strings.HasPrefix(p, "86") {
		p = p[2:]
	}
	o.Phone = p
}

// validate checks the order and returns the time it was received by the
// hotline, or per-field messages keyed by the order's JSON names.
func (o *Order) validate(now time.Time) (time.Time, map[string]string) {
	o.normalize()
	bad := map[string]string{}
	if !orderNoRe.MatchString(o.OrderNo) {
		bad["order_no"] = "工单号须为1到64位字母、数字、下划线或连字符"
	}
	for _, f := range []struct {
		key, label, v string
		required      bool
		max           int
	}{
		{"title", "工单标题", o.Title, false, 100},
		{"content", "工单内容", o.Content, true, 1800},
		{"company", "企业名称", o.Company, true, 100},
		{"contact", "联系人", o.Contact, false, 50},
		{"phone", "联系电话", o.Phone, true, 20},
	} {
		switch {
		case f.v == "" && f.required:
			bad[f.key] = "请填写" + f.label
		case utf8.RuneCountInString(f.v) > f.max:
			bad[f.key] = fmt.Sprintf("%s不能超过%d个字", f.label, f.max)
		}
	}
	var at time.Time
	if o.ReceivedAt == "" {
		bad["received_at"] = "请填写热线受理时间"
	} else if t, err := casework.ParseTime(o.ReceivedAt); err != nil {
		bad["received_at"] = "热线受理时间格式不正确（例如 2026-05-12T09:30:00+08:00）"
	} else if t.After(now.Add(Window)) {
		bad["received_at"] = "热线受理时间不能晚于当前时间"
	} else {
		at = t
	}
	return at, bad
}

// form maps the order to the application form (intake mode): the company
// and its credit code, the caller as project lead, and the title, content,
// order number and time as the entrusted matters.
func (o *Order) form(receivedAt time.Time) casework.Form {
	matters := o.Content
	if o.Title != "" {
		matters = o.Title + "\n" + o.Content
	}
	matters += fmt.Sprintf("\n（2135热线工单 %s，热线受理时间 %s）", o.OrderNo,
		receivedAt.In(casework.ChinaTime).Format("2006-01-02 15:04"))
	var f casework.Form
	f.Enterprise.Name = o.Company
	f.Enterprise.CreditCode = o.CreditCode
	f.Enterprise.Lead.Name = o.Contact
	f.Enterprise.Lead.Phone = o.Phone
	f.Entrustment.Matters = matters
	return f
}

// Viewer is the hotline system as a submitter.
var Viewer = cases.Viewer{Actor: casework.Actor{Role: casework.RoleHotline, Name: casework.RoleHotline.Label()}}

// Intake creates the case of an order, once per order_no: a repeat (a
// retry, a replay, or a concurrent delivery losing the race on the unique
// index) returns the existing case with created false. A repeat is not an
// update: the first order's content stays. Errors: unprocessable with
// per-field messages keyed by the order's JSON names.
func (s *Service) Intake(ctx context.Context, o Order) (*casework.Case, bool, error) {
	at, bad := o.validate(s.now())
	if err := errs.FieldErrors(bad); err != nil {
		return nil, false, err
	}
	if c, err := s.find.CaseByHotlineOrder(ctx, o.OrderNo); err == nil {
		return c, false, nil
	} else if !errs.Is(err, errs.NotFound) {
		return nil, false, err
	}
	c, err := s.cases.Submit(ctx, Viewer, cases.SubmitInput{Form: o.form(at), Channel: casework.ChannelHotline,
		Mode: casework.FormIntake, HotlineOrder: o.OrderNo})
	switch {
	case err == nil:
		s.log.Info("hotline order taken in", "order_no", o.OrderNo, "case_id", c.ID, "number", c.Number)
		return c, true, nil
	case errs.Is(err, errs.Conflict):
		if c, ferr := s.find.CaseByHotlineOrder(ctx, o.OrderNo); ferr == nil {
			return c, false, nil
		}
		return nil, false, err
	case errs.Is(err, errs.Unprocessable):
		return nil, false, errs.FieldErrors(renameFields(errs.FieldsOf(err)))
	}
	return nil, false, err
}

func renameFields(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		if n, ok := formFields[k]; ok {
			k = n
		}
		out[k] = v
	}
	return out
}
