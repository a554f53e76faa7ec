package backoffice

import (
	"fmt"
	"html/template"

	"sunshine/app/casework"
)

var funcs = template.FuncMap{
	"stateLabel": func(s string) string { return stateLabels[s] },
	"list":       func(v ...string) []string { return v },
	"roleLabel":  func(r casework.Role) string { return r.Label() },
	// percent draws a rate (nil: no sign-off that month).
	"percent": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", *f*100)
	},
	"avg": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", *f)
	},
}
