package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates/*.html
var ownTemplates embed.FS

// Page is what every template sees: the layout's parts and the page's view.
type Page struct {
	Title   string
	Name    string // product name
	Home    string
	Logout  string // the sign-out form's action
	Visitor *Visitor
	CSRF    string
	Nav     []NavItem
	Path    string
	Flash   string // a one-line confirmation shown above the content
	// Fields are per-field messages of a refused form (the 422 fields).
	Fields map[string]string
	// Error is the message of a refused form, shown above it.
	Error string
	Data  any
}

// Field returns the message for one field ("" when it is fine).
func (p *Page) Field(name string) string { return p.Fields[name] }

// loc is China Standard Time, the time of every page.
var loc = time.FixedZone("CST", 8*3600)

// funcs are the template functions every page may use.
func (s *Site) funcs() template.FuncMap {
	f := template.FuncMap{
		"static": func(name string) (string, error) { return s.static.url(name) },
		"csrfField": func(p *Page) template.HTML {
			return template.HTML(`<input type="hidden" name="` + CSRFField + `" value="` + // #nosec G203 -- a fixed tag around the HTML-escaped CSRF token
				template.HTMLEscapeString(p.CSRF) + `">`)
		},
		"datetime": func(t any) string { return formatTime(t, "2006-01-02 15:04") },
		"date":     func(t any) string { return formatTime(t, "2006-01-02") },
		"has": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		"seq": func(from, to int) []int {
			var out []int
			for i := from; i <= to; i++ {
				out = append(out, i)
			}
			return out
		},
	}
	for k, v := range s.o.Funcs {
		f[k] = v
	}
	return f
}

func formatTime(t any, layout string) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(loc).Format(layout)
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.In(loc).Format(layout)
	case string:
		return v
	}
	return ""
}

// parse builds one template set per page: the layout, the error page's
// parts and the page file.
func (s *Site) parse() error {
	base, err := template.New("site").Funcs(s.funcs()).ParseFS(ownTemplates, "templates/*.html")
	if err != nil {
		return fmt.Errorf("site templates: %w", err)
	}
	s.errorT = base
	s.pages = map[string]*template.Template{}
	if s.o.Pages == nil {
		return nil
	}
	names, err := fs.Glob(s.o.Pages, "*.html")
	if err != nil {
		return err
	}
	// Files whose name starts with "_" are partials shared by every page.
	partials, _ := fs.Glob(s.o.Pages, "_*.html")
	if len(partials) > 0 {
		if base, err = base.ParseFS(s.o.Pages, partials...); err != nil {
			return fmt.Errorf("partials: %w", err)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(s.o.Pages, n); err != nil {
			return fmt.Errorf("page %s: %w", n, err)
		}
		s.pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return nil
}

// NewPage starts the view of a page for this request: the visitor, the
// CSRF token and the header links.
func (s *Site) NewPage(c *fiber.Ctx, title string, data any) *Page {
	v := VisitorOf(c)
	p := &Page{Title: title, Name: s.o.Name, Home: s.o.Home, Logout: s.o.LogoutPath, Visitor: v, CSRF: v.CSRF(), Path: c.Path(), Data: data,
		Flash: s.takeFlash(c)}
	if s.o.Nav != nil {
		p.Nav = s.o.Nav(c, v)
		for i := range p.Nav {
			h := p.Nav[i].Href
			p.Nav[i].Active = p.Path == h || (h != s.o.Home && strings.HasPrefix(p.Path, h+"/"))
		}
	}
	return p
}

// Render draws page (the file name without .html) in the layout.
func (s *Site) Render(c *fiber.Ctx, status int, page string, p *Page) error {
	return s.execute(c, status, page, "layout", p)
}

// RenderFragment draws one named template of page without the layout (the
// part an htmx request swaps in).
func (s *Site) RenderFragment(c *fiber.Ctx, status int, page, name string, p *Page) error {
	return s.execute(c, status, page, name, p)
}

func (s *Site) execute(c *fiber.Ctx, status int, page, name string, p *Page) error {
	t, ok := s.pages[page]
	if !ok {
		if page != "" {
			return fmt.Errorf("site: no page %q", page)
		}
		t = s.errorT
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}
