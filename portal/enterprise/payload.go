package enterprise

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
)

// extraLabels name the payload entries that are not fields of an action.
var extraLabels = map[string]string{"deadline": "承诺办结日期", "specialist": "帮办代办专员", "result": "办理结果",
	"channel": "受理渠道", "score": "评分", "comment": "评价", "explanation": "办理情况说明"}

// payloadLine is one public payload entry as a line of the timeline.
func payloadLine(a casework.Action, key string, val any) string {
	label, text := extraLabels[key], ""
	var field *casework.Field
	if t, ok := casework.Lookup(a); ok {
		for i := range t.Fields {
			if t.Fields[i].Name == key {
				field = &t.Fields[i]
				label = field.Label
			}
		}
	}
	if label == "" {
		label = key
	}
	switch v := val.(type) {
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		text = strings.Join(parts, "、")
	case []string:
		text = strings.Join(v, "、")
	case bool:
		text = map[bool]string{true: "是", false: "否"}[v]
	default:
		text = fmt.Sprint(v)
	}
	switch {
	case field != nil && len(field.Enum) > 0:
		text = casework.OptionLabel(field.Enum, text)
	case key == "result":
		text = casework.OptionLabel(casework.ResultOptions, text)
	case key == "method":
		text = casework.OptionLabel(casework.MethodOptions, text)
	case key == "channel":
		if l := casework.Channel(text).Label(); l != "" {
			text = l
		}
	case key == "score":
		if n, err := strconv.Atoi(text); err == nil {
			text = casework.ScoreLabels[n]
		}
	}
	return label + "：" + text
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// actionForm is the form of one workflow action, generated from the
// transition table's fields (STYLE habit 15), not written by hand.
type actionForm struct {
	Action string
	Label  string
	Fields []formField
}

type formField struct {
	Name, Label, Input string // Input: text | textarea | select | number | checkbox | lines | datetime
	Required           bool
	Options            []casework.Option
}

var inputOf = map[casework.Kind]string{casework.KText: "text", casework.KLongText: "textarea",
	casework.KEnum: "select", casework.KInt: "number", casework.KBool: "checkbox", casework.KList: "lines",
	casework.KTime: "datetime"}

// formOf builds the form of action a from its row of the table.
func formOf(a casework.Action) actionForm {
	t, _ := casework.Lookup(a)
	f := actionForm{Action: string(a), Label: t.Label}
	for _, fd := range t.Fields {
		if fd.Kind == casework.KID || fd.Name == "attachments" {
			continue // ids are picked by the page (uploads), not typed in
		}
		f.Fields = append(f.Fields, formField{Name: fd.Name, Label: fd.Label, Input: inputOf[fd.Kind],
			Required: fd.Required, Options: fd.Enum})
	}
	return f
}

// payloadFrom reads the fields of action a from a posted form, by the
// table's kinds; validation stays with the workflow (casework.Apply).
func payloadFrom(c *fiber.Ctx, a casework.Action) map[string]any {
	t, _ := casework.Lookup(a)
	p := map[string]any{}
	for _, fd := range t.Fields {
		raw := strings.TrimSpace(c.FormValue(fd.Name))
		switch fd.Kind {
		case casework.KBool:
			if raw != "" {
				p[fd.Name] = raw == "1" || raw == "on" || raw == "true"
			}
		case casework.KInt:
			if raw != "" {
				if n, err := strconv.Atoi(raw); err == nil {
					p[fd.Name] = n
				} else {
					p[fd.Name] = raw // the workflow names the error
				}
			}
		case casework.KList:
			var list []string
			for _, l := range strings.Split(raw, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					list = append(list, l)
				}
			}
			if len(list) > 0 {
				p[fd.Name] = list
			}
		case casework.KTime:
			if raw != "" {
				if t, err := time.ParseInLocation("2006-01-02T15:04", raw, time.FixedZone("CST", 8*3600)); err == nil {
					p[fd.Name] = t
				} else {
					p[fd.Name] = raw
				}
			}
		default:
			if raw != "" {
				p[fd.Name] = raw
			}
		}
	}
	return p
}
