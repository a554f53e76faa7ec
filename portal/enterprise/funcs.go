package enterprise

import (
	"fmt"
	"html/template"
	"time"

	"sunshine/app/casework"
)

// cst is China Standard Time, the time of every page.
var cst = time.FixedZone("CST", 8*3600)

// funcs are the portal's template functions.
var funcs = template.FuncMap{
	"optionLabel": casework.OptionLabel,
	"sizeText": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
}

// fieldData is one input of a form with its label, value, page-side rules
// (the same as the server's: casework.Form.Validate) and the server's message.
type fieldData struct {
	ID, Name, Label, Value, Type, Hint, Err, Pattern, Mode, Auto string
	Required                                                     bool
	Max                                                          int
	Options                                                      []casework.Option
	Values                                                       []string
}

// pageFields is the part of site.Page the form helpers need.
type pageFields interface{ Field(name string) string }

// Page-side patterns mirroring casework's validation.
var patterns = map[string]string{ // #nosec G101 -- input patterns (phone, email, number formats), no credential
	"tel":     `(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})`,
	"mobile":  `1[3-9][0-9]{9}`,
	"credit":  `[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}`,
	"decimal": `[0-9]{1,12}(\.[0-9]{1,2})?`,
	"code":    `[0-9A-Za-z\-]{1,64}`,
}

func init() {
	funcs["field"] = func(p pageFields, name, label, value string, required bool, max int) fieldData {
		id := "f-" + name
		for i := 0; i < len(id); i++ {
			if id[i] == '.' {
				id = id[:i] + "-" + id[i+1:]
			}
		}
		return fieldData{ID: id, Name: name, Label: label, Value: value, Type: "text", Required: required, Max: max,
			Err: p.Field(name)}
	}
	// kind sets the input type and its page-side pattern: tel, email,
	// credit, decimal, code, textarea.
	funcs["kind"] = func(f fieldData, k string) fieldData {
		switch k {
		case "tel", "mobile":
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
		case "textarea":
			f.Type = "textarea"
		}
		return f
	}
	funcs["hint"] = func(f fieldData, h string) fieldData { f.Hint = h; return f }
	// choices makes a checkbox (or radio) group of options.
	funcs["choices"] = func(p pageFields, name, label string, opts []casework.Option, values []string, typ string) fieldData {
		return fieldData{ID: "f-" + name, Name: name, Label: label, Type: typ, Options: opts, Values: values, Err: p.Field(name)}
	}
	funcs["one"] = func(s string) []string { return []string{s} }
}

// actionArgs are what the generated form of a workflow action needs.
type actionArgs struct {
	Page    pageFields
	Form    actionForm
	ID      int64
	Version int
	Files   bool
}

func init() {
	funcs["actionArgs"] = func(p pageFields, f actionForm, id int64, version int, files bool) actionArgs {
		return actionArgs{Page: p, Form: f, ID: id, Version: version, Files: files}
	}
}
