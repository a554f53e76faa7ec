package notify

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Field fills one template keyword (e.g. "thing2") from one value of the
// notification payload (e.g. "project").
type Field struct{ Key, Source string }

// Template is a WeChat template: its id and its keywords.
type Template struct {
	ID     string
	Fields []Field
}

// Sources are the payload values a template field may show.
var Sources = []string{"number", "project", "enterprise", "status", "stage", "note", "specialist",
	"method", "tracking_no", "result", "deadline", "time", "score", "title"}

// Default keyword layouts of the three template kinds the service uses.
var (
	progressFields = []Field{{"character_string1", "number"}, {"thing2", "project"}, {"phrase3", "status"},
		{"thing4", "note"}, {"time5", "time"}}
	deliveryFields = []Field{{"thing1", "project"}, {"phrase2", "result"}, {"phrase3", "method"},
		{"character_string4", "tracking_no"}, {"thing5", "note"}}
	ratingFields = []Field{{"character_string1", "number"}, {"thing2", "project"}, {"thing3", "note"}}
)

// enterpriseEvents are the events with WeChat templates, with their layout
// and the simulator's template ids (subscribe, official account).
var enterpriseEvents = map[string]struct {
	fields  []Field
	sub, oa string
}{
	EventAccepted:      {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventNeedsInfo:     {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventRejected:      {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventAssigned:      {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventStageChanged:  {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventDelivered:     {deliveryFields, "sim-tmpl-delivery", "sim-oa-delivery"},
	EventRatingInvite:  {ratingFields, "sim-tmpl-rating", "sim-oa-rating"},
	EventClaimApproved: {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventClaimRefused:  {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventMemberRevoked: {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	// issue 12: deadline changes and terminations use the progress layout.
	EventDeadlineChanged: {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
	EventTerminated:      {progressFields, "sim-tmpl-progress", "sim-oa-progress"},
}

// Templates maps events to mini-program subscribe templates and
// official-account templates. What the configuration sets is the base; the
// admin's overrides (Apply) replace it per event and channel at run time.
type Templates struct {
	mu        sync.RWMutex
	subscribe map[string]Template
	official  map[string]Template
	// baseSub and baseOA are the configuration's templates, kept when
	// overrides are applied; nil until the first Apply.
	baseSub, baseOA map[string]Template
}

// DefaultTemplates are the simulator's templates: three subscribe templates
// (progress, delivery, rating) shared by the enterprise events.
func DefaultTemplates() *Templates {
	t := &Templates{subscribe: map[string]Template{}, official: map[string]Template{}}
	for ev, d := range enterpriseEvents {
		t.subscribe[ev] = Template{ID: d.sub, Fields: d.fields}
		t.official[ev] = Template{ID: d.oa, Fields: d.fields}
	}
	return t
}

// ParseTemplates reads config.WeChat.Templates: key "<event>" sets the
// subscribe template of an event, "oa_<event>" its official-account
// template; the value is "TEMPLATE_ID" or "TEMPLATE_ID|thing1=project,
// phrase2=status" to name the keywords (default: the event's layout).
// withDefaults starts from DefaultTemplates (simulator mode); otherwise only
// configured events have templates.
func ParseTemplates(cfg map[string]string, withDefaults bool) (*Templates, error) {
	t := &Templates{subscribe: map[string]Template{}, official: map[string]Template{}}
	if withDefaults {
		t = DefaultTemplates()
	}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev, target := strings.ToLower(k), t.subscribe
		if rest, ok := strings.CutPrefix(ev, "oa_"); ok {
			ev, target = rest, t.official
		}
		def, ok := enterpriseEvents[ev]
		if !ok {
			return nil, fmt.Errorf("template %q: unknown event (want one of %s)", k, strings.Join(TemplateEvents(), ", "))
		}
		id, layout, _ := strings.Cut(strings.TrimSpace(cfg[k]), "|")
		tpl := Template{ID: strings.TrimSpace(id), Fields: def.fields}
		if tpl.ID == "" {
			delete(target, ev)
			continue
		}
		if layout != "" {
			fields, err := parseFields(layout)
			if err != nil {
				return nil, fmt.Errorf("template %q: %w", k, err)
			}
			tpl.Fields = fields
		}
		target[ev] = tpl
	}
	return t, nil
}

func parseFields(s string) ([]Field, error) {
	var out []Field
	for _, part := range strings.Split(s, ",") {
		key, src, ok := strings.Cut(strings.TrimSpace(part), "=")
		key, src = strings.TrimSpace(key), strings.TrimSpace(src)
		if !ok || key == "" {
			return nil, fmt.Errorf("field %q: want keyword=source", part)
		}
		if !slices.Contains(Sources, src) {
			return nil, fmt.Errorf("field %q: unknown source %q (want one of %s)", key, src, strings.Join(Sources, ", "))
		}
		out = append(out, Field{Key: key, Source: src})
	}
	return out, nil
}

// TemplateEvents lists the events that have WeChat templates.
func TemplateEvents() []string {
	out := make([]string, 0, len(enterpriseEvents))
	for ev := range enterpriseEvents {
		out = append(out, ev)
	}
	sort.Strings(out)
	return out
}

// Subscribe returns the subscribe template of an event.
func (t *Templates) Subscribe(event string) (Template, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tpl, ok := t.subscribe[event]
	return tpl, ok
}

// Official returns the official-account template of an event.
func (t *Templates) Official(event string) (Template, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tpl, ok := t.official[event]
	return tpl, ok
}

// SubscribeIDs lists the distinct subscribe template ids, sorted: what the
// mini-program asks the user to allow, and the simulator's template list.
func (t *Templates) SubscribeIDs() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	for _, tpl := range t.subscribe {
		if !slices.Contains(out, tpl.ID) {
			out = append(out, tpl.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Render fills the template's keywords from a payload, each value fitted to
// its keyword kind.
func (tpl Template) Render(payload map[string]any) map[string]string {
	out := make(map[string]string, len(tpl.Fields))
	for _, f := range tpl.Fields {
		v := ""
		if x, ok := payload[f.Source]; ok && x != nil {
			v = fmt.Sprint(x)
		}
		out[f.Key] = FitValue(f.Key, v)
	}
	return out
}

// Clone returns an independent copy of the templates in effect (a system
// applies its own overrides to its copy; the configuration's stays as is).
func (t *Templates) Clone() *Templates {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return &Templates{subscribe: maps.Clone(t.subscribe), official: maps.Clone(t.official)}
}
