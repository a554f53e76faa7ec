package staffapi_test

import (
	"bytes"
	"html"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"sunshine/app/casework"
)

// The print tests take the labels of both paper forms from the guideline
// itself (shared/seeds beside the repository) and check that the printed
// pages carry every one of them, plus the case's values.

const (
	seedApplicationTitle  = "阳江市“阳光代办”服务申请表"
	seedRegistrationTitle = "阳江市“阳光代办”工作登记表"
)

// seedBox is the checkbox glyph of the seed (Wingdings in the private use
// area, as Word exported it): it separates the options of a checkbox group.
const seedBox = '\uf0a3'

// seedLabel is one label of a paper form; Box marks a checkbox option.
type seedLabel struct {
	Text string
	Box  bool
}

// seedForms finds the guideline and returns the labels of its two forms
// and how many checkbox glyphs each has; it skips the test when the seed is
// not there.
func seedForms(t *testing.T) (application, registration []seedLabel, boxes [2]int) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var text []byte
	for ; ; dir = filepath.Dir(dir) {
		seeds := filepath.Join(dir, "shared", "seeds")
		matches, _ := filepath.Glob(filepath.Join(seeds, "*.txt"))
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil && bytes.Contains(b, []byte(seedRegistrationTitle)) {
				text = b
				break
			}
		}
		if text != nil || filepath.Dir(dir) == dir {
			break
		}
	}
	if text == nil {
		t.Skip("the guideline seed (shared/seeds/*.txt with 工作登记表) is not beside the repository; cannot check the print labels")
	}
	lines := strings.Split(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
	part := 0
	for _, line := range lines {
		switch strings.TrimSpace(line) {
		case seedApplicationTitle:
			part = 1
		case seedRegistrationTitle:
			part = 2
		}
		if part == 0 {
			continue
		}
		boxes[part-1] += strings.Count(line, string(seedBox))
		for _, l := range labelTokens(line) {
			if part == 1 {
				application = append(application, l)
			} else {
				registration = append(registration, l)
			}
		}
	}
	if len(application) < 40 || len(registration) < 40 || boxes[0] == 0 || boxes[1] == 0 {
		t.Fatalf("seed forms parsed to %d and %d labels, %v boxes: the seed format changed", len(application), len(registration), boxes)
	}
	return application, registration, boxes
}

var gap = regexp.MustCompile(`[\s\x{3000}]{2,}|\t`)

// labelTokens splits a line of the form on runs of blank space (where the
// paper leaves room to fill in) and on checkbox glyphs, and drops the
// remaining spaces.
func labelTokens(line string) []seedLabel {
	box := strings.ContainsRune(line, seedBox)
	var out []seedLabel
	spaced := true // a heading spaced out letter by letter: 项  目  基  本  信  息
	for _, p := range gap.Split(line, -1) {
		for _, q := range strings.Split(p, string(seedBox)) {
			if q = strings.Map(dropSpace, q); q != "" {
				out = append(out, seedLabel{Text: q, Box: box})
				spaced = spaced && utf8.RuneCountInString(q) == 1
			}
		}
	}
	if spaced && len(out) > 1 {
		var b strings.Builder
		for _, l := range out {
			b.WriteString(l.Text)
		}
		return []seedLabel{{Text: b.String()}}
	}
	return out
}

func dropSpace(r rune) rune {
	if unicode.IsSpace(r) {
		return -1
	}
	return r
}

var tag = regexp.MustCompile(`(?s)<style.*?</style>|<[^>]*>`)

// pageText is what a reader sees on the page, without spaces.
func pageText(page string) string {
	return strings.Map(dropSpace, html.UnescapeString(tag.ReplaceAllString(page, "")))
}

func (e *fxEnv) print(id int64, form, who string) (int, string, string) {
	e.t.Helper()
	resp, body := e.send(httptest.NewRequest("GET", "/api/staff/v1/cases/"+fxItoa(id)+"/print/"+form, nil), who)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// fullCase takes a complete application through every section of the
// registration form: consultation, review, assignment, coordination,
// closure, delivery, rating and archiving.
func (e *fxEnv) fullCase() *casework.Case {
	e.t.Helper()
	f := casework.Form{
		Enterprise: casework.EnterpriseInfo{Name: "阳江阳光科技有限公司", Address: "江城区东风三路1号", Nature: "有限责任公司",
			Lead:    casework.Person{Name: "张三", Title: "总经理", Phone: "13800138000"},
			Handler: casework.Person{Name: "李四", Title: "行政主管", Phone: "13900139000"},
			Email:   "contact@example.cn", CreditCode: "91350100M000100Y43"},
		Project: casework.Project{Name: "智能制造产业园", Address: "高新区创业路2号", Code: "2026-441700-39-01-000123",
			TotalInvestment: "12000.50", FundSources: []string{"private", "other"}, FundSourceOther: "产业基金",
			FloorArea: "35000", LandNature: []string{"transferred"}, KeyProject: "municipal",
			PurposeScale: "厂房及配套用房，年产智能装备500台", Progress: "已取得用地"},
		Entrustment: casework.Entrustment{Stages: []string{"planning", "construction"}, Matters: "建设工程规划许可证、施工许可证办理",
			Remarks: "希望尽快开工", ServiceType: "agency"},
	}
	c := e.newCase(f)
	at := e.clk.now().UTC().Add(-time.Hour)
	if err := e.db.W.Exec(`INSERT INTO consultations (case_id, consulted_at, unit, person, phone, project, record, handler, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, at, "阳江阳光科技有限公司", "王五", "13700137000", "智能制造产业园",
		"咨询施工许可所需材料", "窗口甲", e.users["clerk"].ID, at).Error; err != nil {
		e.t.Fatal(err)
	}
	c = e.act("clerk", c, casework.ActionAccept, map[string]any{"service_type": "agency", "promised_days": 20})
	c = e.act("clerk", c, casework.ActionRequestInfo, map[string]any{"reason": "缺少项目备案证"})
	c = e.act("clerk", c, casework.ActionSupplement, map[string]any{"note": "已补交备案证"})
	c = e.act("clerk", c, casework.ActionPassReview, map[string]any{"content": "审查申请材料完整性",
		"materials": []string{"营业执照", "项目备案证"}, "opinion": "材料齐全，同意提交例会"})
	c = e.act("head", c, casework.ActionAssign, map[string]any{"opinion": "同意代办", "meeting_at": "2026-03-03 10:00",
		"specialist_id": e.users["specA"].ID, "materials": []string{"申请表原件"}})
	c = e.act("specA", c, casework.ActionStart, map[string]any{"handover": []string{"用地批复原件"}})
	c = e.act("specA", c, casework.ActionCoordinate, map[string]any{"level": "department", "matter": "协调规划许可并联审批",
		"departments": []string{"市自然资源局"}, "meeting_at": "2026-03-05 15:00", "outcome": "同意并联办理"})
	c = e.act("specA", c, casework.ActionProposeClose, map[string]any{"result": "completed", "explanation": "已取得施工许可证"})
	c = e.act("head", c, casework.ActionSignOff, map[string]any{"opinion": "同意办结"})
	c = e.act("specA", c, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
	scan := e.attach(c.ID, "clerk")
	if _, err := e.cases.Rate(e.t.Context(), e.viewer("clerk"), c.ID, 4, "服务周到", scan); err != nil {
		e.t.Fatal(err)
	}
	c, _ = e.cases.CanSee(e.t.Context(), e.viewer("head"), c.ID)
	c = e.act("specA", c, casework.ActionSubmitArchive, map[string]any{"materials": []string{"服务申请表", "工作登记表", "施工许可证复印件"}})
	return e.act("clerk", c, casework.ActionArchive, map[string]any{"archived_by": "档案员赵六"})
}

func TestPrint_FormsCarryEveryLabelOfTheSeed(t *testing.T) {
	appLabels, regLabels, seedBoxes := seedForms(t)
	e := newFxEnv(t)
	c := e.fullCase()
	for i, tc := range []struct {
		form   string
		labels []seedLabel
		values []string
	}{
		{"application", appLabels, []string{"阳江阳光科技有限公司", "江城区东风三路1号", "有限责任公司", "张三", "总经理",
			"138****8000", "李四", "行政主管", "139****9000", "contact@example.cn", "智能制造产业园", "高新区创业路2号",
			"2026-441700-39-01-000123", "12000.50", "35000", "产业基金", "厂房及配套用房，年产智能装备500台", "已取得用地",
			"建设工程规划许可证、施工许可证办理", "希望尽快开工", c.Number, "91350100M000100Y43",
			"☐政府", "☑民资", "☐港澳台", "☐外资", "☑其他", "☐划拨", "☑出让", "☐集体", "☐自有",
			"☐省级", "☑市级", "☐立项", "☐用地", "☑规划", "☑施工", "☐竣工", "☑代办", "☐帮办"}},
		{"registration", regLabels, []string{c.Number, "王五", "137****7000", "咨询施工许可所需材料", "窗口甲",
			"李四 139****9000", "缺少项目备案证", "已补交备案证", "审查申请材料完整性", "营业执照", "项目备案证",
			"材料齐全，同意提交例会", "2026-03-03 10:00", "同意代办", "申请表原件", "用地批复原件",
			"部门层级", "协调规划许可并联审批", "同意并联办理", "2026-03-05 15:00", "已取得施工许可证", "同意办结",
			"☑办结", "☐终止", "☐其他", "☐非常满意", "☑满意", "☐基本满意", "☐不满意", "☐非常不满意", "服务周到",
			"施工许可证复印件", "档案员赵六", "资料归档", e.users["specA"].Name, e.users["head"].Name,
			// issue 12 (8): the delivery details.
			"送达方式", "☐邮寄送达", "☑当面递交", "签收人：李四"}},
	} {
		t.Run(tc.form, func(t *testing.T) {
			status, ctype, page := e.print(c.ID, tc.form, "head")
			if status != 200 || !strings.HasPrefix(ctype, "text/html") {
				t.Fatalf("print = %d %s", status, ctype)
			}
			text := pageText(page)
			plain := strings.NewReplacer("☐", "", "☑", "").Replace(text)
			for _, l := range tc.labels {
				switch {
				case !l.Box && !strings.Contains(plain, l.Text):
					t.Errorf("the %s page lacks the label %q of the paper form", tc.form, l.Text)
				case l.Box && !strings.Contains(text, "☐"+l.Text) && !strings.Contains(text, "☑"+l.Text):
					t.Errorf("the %s page lacks the checkbox %q of the paper form", tc.form, l.Text)
				}
			}
			if n := strings.Count(text, "☐") + strings.Count(text, "☑"); n < seedBoxes[i] {
				t.Errorf("the %s page has %d checkboxes, the paper form %d", tc.form, n, seedBoxes[i])
			}
			for _, v := range tc.values {
				if !strings.Contains(page, html.EscapeString(v)) && !strings.Contains(html.UnescapeString(page), v) {
					t.Errorf("the %s page lacks the value %q", tc.form, v)
				}
			}
			if !strings.Contains(page, "@page") || !strings.Contains(page, "size: A4") || !strings.Contains(page, "border: 1px solid") {
				t.Errorf("the %s page has no A4 print CSS", tc.form)
			}
		})
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'case.print' AND object_id = ? AND result = 'ok'", fxItoa(c.ID)); n != 2 {
		t.Fatalf("print audit records = %d, want 2", n)
	}
}

func TestPrint_Authorization(t *testing.T) {
	e := newFxEnv(t)
	c := e.assigned()
	fresh := e.newCase(casework.Form{Enterprise: casework.EnterpriseInfo{Name: "<script>alert(1)</script>公司"},
		Entrustment: casework.Entrustment{Matters: "咨询"}})
	for _, tc := range []struct {
		who  string
		id   int64
		want int
	}{
		{"head", c.ID, 200}, {"clerk", c.ID, 200}, {"specA", c.ID, 200}, {"specB", c.ID, 404},
		{"liaisonA", c.ID, 404}, {"supervisor", c.ID, 403}, {"admin", c.ID, 403}, {"", c.ID, 401},
		{"head", 999999999, 404}, {"clerk", fresh.ID, 200},
	} {
		for _, form := range []string{"registration", "application"} {
			if status, _, _ := e.print(tc.id, form, tc.who); status != tc.want {
				t.Errorf("print %s of %d by %q = %d, want %d", form, tc.id, tc.who, status, tc.want)
			}
		}
	}
	_, _, page := e.print(fresh.ID, "application", "clerk")
	if strings.Contains(page, "<script>alert(1)") || !strings.Contains(page, "&lt;script&gt;") {
		t.Fatal("the enterprise name is not escaped")
	}
	if n := e.count("SELECT COUNT(*) FROM audit_records WHERE action = 'case.print'"); n != 9 {
		t.Fatalf("print audit records = %d, want 9 (one per page served)", n)
	}
}

// Issue 12 (8): the 送达回证 of an in-person delivery carries the
// enterprise, the documents handed over and the signature lines; before a
// delivery there is none to print.
func TestPrint_Receipt(t *testing.T) {
	e := newFxEnv(t)
	c := e.newCase(fxForm())
	c = e.act("clerk", c, casework.ActionAccept, map[string]any{"service_type": "agency"})
	c = e.act("clerk", c, casework.ActionPassReview, map[string]any{"content": "材料齐全", "materials": []string{"营业执照"}})
	c = e.act("head", c, casework.ActionAssign, map[string]any{"opinion": "同意", "specialist_id": e.users["specA"].ID})
	if status, _, _ := e.print(c.ID, "receipt", "head"); status != 409 {
		t.Fatalf("receipt before delivery = %d, want 409", status)
	}
	c = e.act("specA", c, casework.ActionStart, map[string]any{"handover": []string{"土地证原件"}})
	c = e.act("specA", c, casework.ActionProposeClose, map[string]any{"result": "terminated", "explanation": "项目暂缓"})
	c = e.act("head", c, casework.ActionSignOff, map[string]any{"opinion": "同意终止"})
	e.act("specA", c, casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "李四"})
	status, ctype, page := e.print(c.ID, "receipt", "specA")
	if status != 200 || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("receipt = %d %s", status, ctype)
	}
	text := pageText(page)
	for _, want := range []string{"送达回证", c.Number, c.Form.Enterprise.Name, "土地证原件", "终止（退还材料）", "☑当面递交",
		"受送达人签收", "签收人：李四", "日期：", "（单位盖章）", "送达人"} {
		if !strings.Contains(text, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	if status, _, _ := e.print(c.ID, "receipt", "specB"); status != 404 {
		t.Errorf("another specialist printing the receipt = %d, want 404", status)
	}
}
