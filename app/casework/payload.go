package casework

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the type of a payload field.
type Kind int

// Payload field kinds.
const (
	KText     Kind = iota // one line, ≤ 200 characters
	KLongText             // ≤ 2000 characters
	KInt                  // whole number in [Min, Max]
	KEnum                 // one of Enum
	KList                 // list of short texts (≤ 50 entries)
	KTime                 // RFC 3339, "2006-01-02 15:04" or "2006-01-02" (China time)
	KBool
	KID         // positive id of a record (a staff member for assign/reassign)
	KAttachment // positive id of an attachment of the same case
)

// Field describes one payload field of an action.
type Field struct {
	Name     string
	Label    string
	Kind     Kind
	Required bool
	Enum     []Option
	Min, Max int
	Public   bool // shown to the enterprise on a public event
}

// Payload holds validated, normalized payload values: string, int, int64,
// bool, []string or time.Time by field kind.
type Payload map[string]any

// Str returns a text or enum value ("" if absent).
func (p Payload) Str(k string) string { s, _ := p[k].(string); return s }

// Int returns a whole-number value (0 if absent).
func (p Payload) Int(k string) int { n, _ := p[k].(int); return n }

// ID returns an id value (0 if absent).
func (p Payload) ID(k string) int64 { n, _ := p[k].(int64); return n }

// Bool returns a flag (false if absent).
func (p Payload) Bool(k string) bool { b, _ := p[k].(bool); return b }

// List returns a list value (nil if absent).
func (p Payload) List(k string) []string { l, _ := p[k].([]string); return l }

// Time returns a time value (nil if absent).
func (p Payload) Time(k string) *time.Time {
	if t, ok := p[k].(time.Time); ok {
		return &t
	}
	return nil
}

// ParsePayload validates raw JSON values against fields. Unknown fields,
// wrong types, missing required fields and out-of-range values are reported
// per field in Chinese.
func ParsePayload(fields []Field, raw map[string]json.RawMessage) (Payload, map[string]string) {
	out, bad := Payload{}, map[string]string{}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
		v, ok := raw[f.Name]
		if !ok || isNull(v) {
			if f.Required {
				bad[f.Name] = "请填写" + f.Label
			}
			continue
		}
		val, msg := parseField(f, v)
		switch {
		case msg != "":
			bad[f.Name] = msg
		case isEmpty(val) && f.Required:
			bad[f.Name] = "请填写" + f.Label
		case !isEmpty(val):
			out[f.Name] = val
		}
	}
	for k := range raw {
		if !known[k] {
			bad[k] = "不支持的字段"
		}
	}
	return out, bad
}

func isNull(v json.RawMessage) bool { return strings.TrimSpace(string(v)) == "null" }

func isEmpty(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	}
	return false
}

func parseField(f Field, v json.RawMessage) (any, string) {
	switch f.Kind {
	case KText, KLongText, KEnum:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, f.Label + "应为文本"
		}
		s = strings.TrimSpace(s)
		max := 200
		if f.Kind == KLongText {
			max = 2000
		}
		if utf8.RuneCountInString(s) > max {
			return nil, fmt.Sprintf("%s不能超过%d个字", f.Label, max)
		}
		if f.Kind == KEnum && s != "" && !contains(optionValues(f.Enum), s) {
			return nil, fmt.Sprintf("%s的取值无效，可选：%s", f.Label, strings.Join(optionValues(f.Enum), "、"))
		}
		return s, ""
	case KInt, KID, KAttachment:
		var n json.Number
		if json.Unmarshal(v, &n) != nil {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return nil, f.Label + "应为整数"
			}
			n = json.Number(strings.TrimSpace(s))
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return nil, f.Label + "应为整数"
		}
		if f.Kind == KID || f.Kind == KAttachment {
			if i <= 0 {
				return nil, f.Label + "无效"
			}
			return i, ""
		}
		if i < int64(f.Min) || i > int64(f.Max) {
			return nil, fmt.Sprintf("%s应在%d到%d之间", f.Label, f.Min, f.Max)
		}
		return int(i), ""
	case KBool:
		var b bool
		if json.Unmarshal(v, &b) != nil {
			return nil, f.Label + "应为是或否"
		}
		return b, ""
	case KList:
		var l []string
		if json.Unmarshal(v, &l) != nil {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return nil, f.Label + "应为文本列表"
			}
			l = strings.Split(s, "\n")
		}
		out := make([]string, 0, len(l))
		for _, x := range l {
			if x = strings.TrimSpace(x); x != "" {
				if utf8.RuneCountInString(x) > 200 {
					return nil, f.Label + "的每一项不能超过200个字"
				}
				out = append(out, x)
			}
		}
		if len(out) > 50 {
			return nil, f.Label + "最多50项"
		}
		return out, ""
	case KTime:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, f.Label + "应为时间"
		}
		t, err := ParseTime(strings.TrimSpace(s))
		if err != nil {
			return nil, f.Label + "的时间格式不正确（例如 2026-05-12 09:30）"
		}
		return t, ""
	}
	return nil, f.Label + "无效"
}

// ParseTime parses RFC 3339, "2006-01-02 15:04", "2006-01-02T15:04" or a
// date; times without a zone are China time.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	var err error
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", time.DateOnly} {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, ChinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// jsonValue converts a payload value for the timeline (times as RFC 3339).
func jsonValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339)
	}
	return v
}
