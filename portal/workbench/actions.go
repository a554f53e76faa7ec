package workbench

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/casework"
)

// actionForm is the form of one workflow action, generated from its row of
// the transition table (STYLE habit 15): fields, labels, required, options.
type actionForm struct {
	Action string
	Label  string
	Fields []formField
}

// formField is one input of an action form.
type formField struct {
	Name, Label string
	// Input: text | textarea | select | number | checkbox | lines |
	// datetime | specialist (a choice among the specialists, with load).
	Input    string
	Required bool
	Min, Max int
	Options  []casework.Option
}

var inputOf = map[casework.Kind]string{casework.KText: "text", casework.KLongText: "textarea",
	casework.KEnum: "select", casework.KInt: "number", casework.KBool: "checkbox", casework.KList: "lines",
	casework.KTime: "datetime", casework.KID: "specialist"}

// formOf builds the form of action a from its row of the table.
// specialists are the choices of an id field (assign, reassign): each
// specialist with the cases they carry now.
func formOf(a casework.Action, specialists []casework.Option) actionForm {
	t, _ := casework.Lookup(a)
	f := actionForm{Action: string(a), Label: t.Label}
	for _, fd := range t.Fields {
		if fd.Kind == casework.KID && fd.Name != "specialist_id" {
			continue // other ids (uploads) are picked by the page, not typed in
		}
		ff := formField{Name: fd.Name, Label: fd.Label, Input: inputOf[fd.Kind], Required: fd.Required,
			Min: fd.Min, Max: fd.Max, Options: fd.Enum}
		if fd.Kind == casework.KID {
			ff.Options = specialists
		}
		f.Fields = append(f.Fields, ff)
	}
	return f
}

// payloadFrom reads the fields of action a from a posted form by the
// table's kinds, as the JSON the staff API would receive; validation stays
// with the workflow (casework.Apply).
func payloadFrom(c *fiber.Ctx, a casework.Action) map[string]json.RawMessage {
	t, _ := casework.Lookup(a)
	p := map[string]json.RawMessage{}
	put := func(k string, v any) { b, _ := json.Marshal(v); p[k] = b }
	for _, fd := range t.Fields {
		raw := strings.TrimSpace(c.FormValue(fd.Name))
		switch fd.Kind {
		case casework.KBool:
			if raw != "" {
				put(fd.Name, raw == "1" || raw == "on" || raw == "true")
			}
		case casework.KInt, casework.KID:
			if raw != "" {
				if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
					put(fd.Name, n)
				} else {
					put(fd.Name, raw) // the workflow names the error
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
				put(fd.Name, list)
			}
		case casework.KTime:
			if raw != "" {
				if t, err := time.ParseInLocation("2006-01-02T15:04", raw, cst); err == nil {
					put(fd.Name, t.Format(time.RFC3339))
				} else {
					put(fd.Name, raw)
				}
			}
		default:
			if raw != "" {
				put(fd.Name, raw)
			}
		}
	}
	return p
}
