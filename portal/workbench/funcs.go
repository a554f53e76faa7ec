package workbench

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"sunshine/app/casework"
)

// cst is China Standard Time, the time of every page.
var cst = time.FixedZone("CST", 8*3600)

// fieldData is one input of a form with its label, value, page-side rules
// and the server's message next to it.
type fieldData struct {
	ID, Name, Label, Value, Type, Hint, Err, Pattern, Mode, Auto string
	Required                                                     bool
	Max                                                          int
	Options                                                      []casework.Option
	Values                                                       []string
}

// pageFields is the part of site.Page the form helpers need.
type pageFields interface{ Field(name string) string }

// Page-side patterns mirroring casework's validation (the server decides).
var patterns = map[string]string{
	"tel":     `(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})`,
	"credit":  `[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}`,
	"decimal": `[0-9]{1,12}(\.[0-9]{1,2})?`,
	"code":    `[0-9A-Za-z\-]{1,64}`,
}

func fieldID(name string) string { return "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(name) }

var funcs = template.FuncMap{
	"optionLabel": casework.OptionLabel,
	"field": func(p pageFields, name, label, value string, required bool, max int) fieldData {
		return fieldData{ID: fieldID(name), Name: name, Label: label, Value: value, Type: "text", Required: required,
			Max: max, Err: p.Field(name)}
	},
	// kind sets the input type and its page-side pattern.
	"kind": func(f fieldData, k string) fieldData {
		switch k {
		case "tel":
			f.Type, f.Mode, f.Pattern, f.Auto = "tel", "tel", patterns[k], "tel"
			f.Hint = "手机号11位，或固定电话如 0662-1234567"
		case "email":
			f.Type, f.Auto = "email", "email"
		case "credit":
			f.Pattern, f.Hint = patterns[k], "18位，由数字和大写字母组成"
		case "decimal":
			f.Mode, f.Pattern, f.Hint = "decimal", patterns[k], "数字，最多两位小数"
		case "code":
			f.Pattern, f.Hint = patterns[k], "字母、数字和连字符"
		case "textarea", "password", "date", "number", "datetime-local":
			f.Type = k
		}
		return f
	},
	"hint": func(f fieldData, h string) fieldData { f.Hint = h; return f },
	"auto": func(f fieldData, a string) fieldData { f.Auto = a; return f },
	"id":   func(f fieldData, id string) fieldData { f.ID = id; return f },
	"choices": func(p pageFields, name, label string, opts []casework.Option, values []string, typ string) fieldData {
		return fieldData{ID: fieldID(name), Name: name, Label: label, Type: typ, Options: opts, Values: values, Err: p.Field(name)}
	},
	"one":   func(s string) []string { return []string{s} },
	"join":  strings.Join,
	"label": enumLabel,
	"sourceLabel": func(s string) string {
		if s == "paper" {
			return "纸质评价表（窗口录入）"
		}
		return "企业评价"
	},
	"sizeText": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
	"actionArgs": func(p pageFields, f actionForm, id int64, version int) actionArgs {
		return actionArgs{Page: p, Form: f, ID: id, Version: version}
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// actionArgs are what the generated form of a workflow action needs.
type actionArgs struct {
	Page    pageFields
	Form    actionForm
	ID      int64
	Version int
}

// enumLabel is the Chinese label of value among the options of an action's
// field in the workflow table ("" stays "").
func enumLabel(action, field, value string) string {
	if value == "" {
		return ""
	}
	if t, ok := casework.Lookup(casework.Action(action)); ok {
		for _, f := range t.Fields {
			if f.Name == field && len(f.Enum) > 0 {
				return casework.OptionLabel(f.Enum, value)
			}
		}
	}
	return value
}
