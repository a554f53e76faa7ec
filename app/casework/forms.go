package casework

// The action table as data, for clients that generate their forms from it
// (the browser workbench): per action its label, who may take it from which
// statuses, and its fields with their kinds and options.

// FieldKind names a field's input for a form generator.
type FieldKind string

// The form input kinds.
const (
	FormText       FieldKind = "text"       // one line
	FormTextarea   FieldKind = "textarea"   // several lines
	FormSelect     FieldKind = "select"     // one of options
	FormMulti      FieldKind = "multi"      // a list of short texts, one per line
	FormDate       FieldKind = "date"       // a date or a date and time
	FormNumber     FieldKind = "number"     // a whole number in [min, max]
	FormBool       FieldKind = "bool"       // yes or no
	FormStaff      FieldKind = "staff"      // an active specialist
	FormAttachment FieldKind = "attachment" // an attachment of the same case
)

var formKinds = map[Kind]FieldKind{
	KText: FormText, KLongText: FormTextarea, KEnum: FormSelect, KList: FormMulti, KTime: FormDate,
	KInt: FormNumber, KBool: FormBool, KID: FormStaff, KAttachment: FormAttachment,
}

// FormKind is the input kind of a payload field kind.
func (k Kind) FormKind() FieldKind { return formKinds[k] }

// OptionSpec is one choice of a select field.
type OptionSpec struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// FieldSpec describes one field of an action's form.
type FieldSpec struct {
	Name     string       `json:"name"`
	Label    string       `json:"label"`
	Kind     FieldKind    `json:"kind"`
	Required bool         `json:"required"`
	Public   bool         `json:"public"` // shown to the enterprise on its timeline
	Min      *int         `json:"min,omitempty"`
	Max      *int         `json:"max,omitempty"`
	Options  []OptionSpec `json:"options,omitempty"`
}

// ActionSpec describes one action of the workflow table.
type ActionSpec struct {
	Action Action      `json:"action"`
	Label  string      `json:"label"`
	From   []Status    `json:"from"`
	To     []Status    `json:"to"` // empty: the status stays; several: the payload decides
	Roles  []Role      `json:"roles"`
	Public bool        `json:"public"`
	Fields []FieldSpec `json:"fields"`
}

// targets are the statuses an action with a payload-decided target reaches.
var targets = map[Action][]Status{
	ActionSupplement: {Submitted, Reviewing},
	ActionSignOff:    {Completed, Terminated},
	ActionDeliver:    {Delivering, Delivered},
}

// Actions returns the whole action table as data, in table order.
func Actions() []ActionSpec {
	out := make([]ActionSpec, 0, len(Table))
	for _, t := range Table {
		a := ActionSpec{Action: t.Action, Label: t.Label, From: append([]Status{}, t.From...),
			Roles: append([]Role{}, t.Roles...), Public: t.Public || t.PublicFlag != "", Fields: []FieldSpec{}, To: []Status{}}
		switch {
		case t.To != "":
			a.To = []Status{t.To}
		case t.Target != nil:
			a.To = append(a.To, targets[t.Action]...)
		}
		for _, f := range t.Fields {
			fs := FieldSpec{Name: f.Name, Label: f.Label, Kind: f.Kind.FormKind(), Required: f.Required, Public: f.Public}
			if f.Kind == KInt {
				lo, hi := f.Min, f.Max
				fs.Min, fs.Max = &lo, &hi
			}
			for _, o := range f.Enum {
				fs.Options = append(fs.Options, OptionSpec(o))
			}
			a.Fields = append(a.Fields, fs)
		}
		out = append(out, a)
	}
	return out
}
