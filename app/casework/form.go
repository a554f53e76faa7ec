package casework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Person is a named contact on the application form.
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Phone string `json:"phone"`
}

// EnterpriseInfo is the 企业基本信息 part of the 服务申请表.
type EnterpriseInfo struct {
	Name       string `json:"name"`
	Address    string `json:"address"`
	Nature     string `json:"nature"`
	Lead       Person `json:"lead"`
	Handler    Person `json:"handler"`
	Email      string `json:"email"`
	CreditCode string `json:"credit_code"`
}

// Project is the 项目基本信息 part of the 服务申请表.
type Project struct {
	Name            string   `json:"name"`
	Address         string   `json:"address"`
	Code            string   `json:"code"`
	TotalInvestment Decimal  `json:"total_investment"`
	FundSources     []string `json:"fund_sources"`
	FundSourceOther string   `json:"fund_source_other"`
	FloorArea       Decimal  `json:"floor_area"`
	LandNature      []string `json:"land_nature"`
	LandNatureOther string   `json:"land_nature_other"`
	KeyProject      string   `json:"key_project"`
	KeyProjectOther string   `json:"key_project_other"`
	PurposeScale    string   `json:"purpose_scale"`
	Progress        string   `json:"progress"`
}

// Entrustment is the 委托代办信息 part of the 服务申请表.
type Entrustment struct {
	Stages      []string `json:"stages"`
	StagesOther string   `json:"stages_other"`
	Matters     string   `json:"matters"`
	Remarks     string   `json:"remarks"`
	ServiceType string   `json:"service_type"`
}

// Form is the whole 阳光代办服务申请表.
type Form struct {
	Enterprise  EnterpriseInfo `json:"enterprise"`
	Project     Project        `json:"project"`
	Entrustment Entrustment    `json:"entrustment"`
}

// Option is one choice of a checkbox group of the form.
type Option struct{ Value, Label string }

// The checkbox groups of the form, in the order printed on paper.
var (
	FundSourceOptions  = []Option{{"government", "政府"}, {"private", "民资"}, {"hk_macao_taiwan", "港澳台"}, {"foreign", "外资"}, {"other", "其他"}}
	LandNatureOptions  = []Option{{"allocated", "划拨"}, {"transferred", "出让"}, {"collective", "集体"}, {"owned", "自有"}, {"other", "其他"}}
	KeyProjectOptions  = []Option{{"provincial", "省级"}, {"municipal", "市级"}, {"other", "其他"}, {"none", "否"}}
	StageOptions       = []Option{{"initiation", "立项"}, {"land", "用地"}, {"planning", "规划"}, {"construction", "施工"}, {"completion", "竣工"}, {"other", "其他"}}
	ServiceTypeOptions = []Option{{"assist", "帮办"}, {"agency", "代办"}}
	ScopeOptions       = []Option{{"coordination", "涉企审批事项协调帮办"}, {"key_project", "重点项目全流程代办"}}
)

// OptionLabel returns the label of value among opts, or value itself.
func OptionLabel(opts []Option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

func optionValues(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

// Decimal is an exact non-negative decimal with at most two places, kept as
// its canonical text (never a float). It accepts a JSON number or string.
type Decimal string

var decimalRe = regexp.MustCompile(`^\d{1,12}(\.\d{1,2})?$`)

// UnmarshalJSON keeps the literal text of a number or string.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = Decimal(strings.TrimSpace(s))
		return nil
	}
	*d = Decimal(b)
	return nil
}

// Valid reports whether d is empty or a non-negative decimal with ≤ 2 places.
func (d Decimal) Valid() bool { return d == "" || decimalRe.MatchString(string(d)) }

// FormMode says how complete a form must be.
type FormMode int

const (
	// FormFull is for an enterprise's own application (mini-program, portal).
	FormFull FormMode = iota
	// FormIntake is for a clerk or the hotline, who may know only the basics.
	FormIntake
)

var (
	mobileRe   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landlineRe = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}$`)
	projCodeRe = regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`)
)

// MobileValid reports whether s is a mainland mobile number.
func MobileValid(s string) bool { return mobileRe.MatchString(s) }

// Normalize trims every text field and drops empty list entries.
func (f *Form) Normalize() {
	e, p, t := &f.Enterprise, &f.Project, &f.Entrustment
	for _, s := range []*string{&e.Name, &e.Address, &e.Nature, &e.Lead.Name, &e.Lead.Title, &e.Lead.Phone,
		&e.Handler.Name, &e.Handler.Title, &e.Handler.Phone, &e.Email, &p.Name, &p.Address, &p.Code,
		&p.FundSourceOther, &p.LandNatureOther, &p.KeyProject, &p.KeyProjectOther, &p.PurposeScale,
		&p.Progress, &t.StagesOther, &t.Matters, &t.Remarks, &t.ServiceType} {
		*s = strings.TrimSpace(*s)
	}
	p.FundSources, p.LandNature, t.Stages = cleanList(p.FundSources), cleanList(p.LandNature), cleanList(t.Stages)
	e.CreditCode = strings.ToUpper(strings.TrimSpace(e.CreditCode))
	p.TotalInvestment = Decimal(strings.TrimSpace(string(p.TotalInvestment)))
	p.FloorArea = Decimal(strings.TrimSpace(string(p.FloorArea)))
}

// Validate checks the form and returns Chinese messages keyed by JSON path
// (for example "enterprise.lead.phone"); an empty map means valid.
func (f *Form) Validate(mode FormMode) map[string]string {
	f.Normalize()
	v := validator{errs: map[string]string{}}
	e, p, t := f.Enterprise, f.Project, f.Entrustment
	full := mode == FormFull

	v.text("enterprise.name", "单位名称", e.Name, true, 100)
	v.text("enterprise.address", "单位地址", e.Address, full, 200)
	v.text("enterprise.nature", "单位性质", e.Nature, false, 50)
	v.text("enterprise.lead.name", "项目负责人", e.Lead.Name, full, 50)
	v.text("enterprise.lead.title", "职务", e.Lead.Title, false, 50)
	v.phone("enterprise.lead.phone", "项目负责人联系电话", e.Lead.Phone, full, true)
	v.text("enterprise.handler.name", "项目经办人", e.Handler.Name, false, 50)
	v.text("enterprise.handler.title", "职务", e.Handler.Title, false, 50)
	v.phone("enterprise.handler.phone", "项目经办人联系电话", e.Handler.Phone, false, true)
	if e.Email != "" {
		if a, err := mail.ParseAddress(e.Email); err != nil || a.Address != e.Email || utf8.RuneCountInString(e.Email) > 100 {
			v.errs["enterprise.email"] = "电子邮箱格式不正确"
		}
	}
	switch {
	case e.CreditCode == "" && full:
		v.errs["enterprise.credit_code"] = "请填写统一社会信用代码"
	case e.CreditCode != "" && !CreditCodeValid(e.CreditCode):
		v.errs["enterprise.credit_code"] = "统一社会信用代码不正确（应为18位且校验位正确）"
	}

	v.text("project.name", "项目名称", p.Name, full, 100)
	v.text("project.address", "项目地址", p.Address, false, 200)
	if p.Code != "" && !projCodeRe.MatchString(p.Code) {
		v.errs["project.code"] = "项目代码只能包含字母、数字和连字符，最长64位"
	}
	v.decimal("project.total_investment", "总投资额", p.TotalInvestment)
	v.decimal("project.floor_area", "总建筑面积", p.FloorArea)
	v.set("project.fund_sources", "资金来源", p.FundSources, FundSourceOptions)
	v.other("project.fund_source_other", "其他资金来源", p.FundSources, p.FundSourceOther)
	v.set("project.land_nature", "土地性质", p.LandNature, LandNatureOptions)
	v.other("project.land_nature_other", "其他土地性质", p.LandNature, p.LandNatureOther)
	if p.KeyProject != "" && !contains(optionValues(KeyProjectOptions), p.KeyProject) {
		v.errs["project.key_project"] = "是否重点项目的选项不正确"
	}
	v.other("project.key_project_other", "其他重点项目级别", []string{p.KeyProject}, p.KeyProjectOther)
	v.text("project.purpose_scale", "项目主要用途及规模", p.PurposeScale, false, 1000)
	v.text("project.progress", "项目进展", p.Progress, false, 1000)

	v.set("entrustment.stages", "委托帮办代办意向", t.Stages, StageOptions)
	v.other("entrustment.stages_other", "其他委托意向", t.Stages, t.StagesOther)
	v.text("entrustment.matters", "具体委托事项", t.Matters, true, 2000)
	v.text("entrustment.remarks", "补充意见", t.Remarks, false, 2000)
	if t.ServiceType == "" && full {
		v.errs["entrustment.service_type"] = "请选择帮办或代办"
	} else if t.ServiceType != "" && !contains(optionValues(ServiceTypeOptions), t.ServiceType) {
		v.errs["entrustment.service_type"] = "服务类型只能是帮办（assist）或代办（agency）"
	}
	return v.errs
}

// cleanList trims the entries of a checkbox group and drops empty ones into
// a new slice, leaving the caller's slice as it was.
func cleanList(l []string) []string {
	out := l[:0:0]
	for _, s := range l {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

type validator struct{ errs map[string]string }

func (v validator) text(key, label, s string, required bool, max int) {
	switch {
	case s == "" && required:
		v.errs[key] = "请填写" + label
	case utf8.RuneCountInString(s) > max:
		v.errs[key] = fmt.Sprintf("%s不能超过%d个字", label, max)
	}
}

func (v validator) phone(key, label, s string, required, allowLandline bool) {
	switch {
	case s == "" && required:
		v.errs[key] = "请填写" + label
	case s != "" && !mobileRe.MatchString(s) && !(allowLandline && landlineRe.MatchString(s)):
		v.errs[key] = label + "格式不正确（手机号应为11位，以1开头）"
	}
}

func (v validator) decimal(key, label string, d Decimal) {
	if !d.Valid() {
		v.errs[key] = label + "应为不小于0的数字，最多两位小数"
	}
}

func (v validator) set(key, label string, vals []string, opts []Option) {
	seen := map[string]bool{}
	allowed := optionValues(opts)
	for _, x := range vals {
		if !contains(allowed, x) {
			v.errs[key] = fmt.Sprintf("%s包含无效选项：%s", label, x)
			return
		}
		if seen[x] {
			v.errs[key] = label + "有重复选项"
			return
		}
		seen[x] = true
	}
}

func (v validator) other(key, label string, vals []string, text string) {
	if contains(vals, "other") && text == "" {
		v.errs[key] = "选择了“其他”时请填写" + label
	} else if utf8.RuneCountInString(text) > 100 {
		v.errs[key] = label + "不能超过100个字"
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
