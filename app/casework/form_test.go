package casework_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

func TestNewCase(t *testing.T) {
	for _, tc := range []struct {
		name      string
		role      casework.Role
		channel   casework.Channel
		mode      casework.FormMode
		submitter int64
		handler   string
	}{
		{"enterprise_by_miniprogram", casework.RoleEnterprise, casework.ChannelMiniProgram, casework.FormFull, actor(enterprise).ID, ""},
		{"enterprise_by_portal", casework.RoleEnterprise, casework.ChannelPortal, casework.FormFull, actor(enterprise).ID, ""},
		{"clerk_at_the_window", clerk, casework.ChannelWindow, casework.FormIntake, 0, actor(clerk).Name},
		{"clerk_for_a_complaint", clerk, casework.ChannelComplaint, casework.FormIntake, 0, actor(clerk).Name},
		{"hotline", casework.RoleHotline, casework.ChannelHotline, casework.FormIntake, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validForm()
			f.Enterprise.Name = "  阳光科技有限公司 "
			c, ev, err := casework.NewCase(f, tc.channel, actor(tc.role), tc.mode, monday)
			if err != nil {
				t.Fatalf("NewCase: %v (%v)", err, errs.FieldsOf(err))
			}
			got := [...]any{c.Status, c.Version, c.Channel, c.SubmitterID, c.Registration.Application.Handler, c.Deadline, c.CreatedAt.Equal(monday)}
			want := [...]any{casework.Submitted, 1, tc.channel, tc.submitter, tc.handler, "", true}
			if got != want {
				t.Errorf("case = %v, want %v", got, want)
			}
			if c.Form.Enterprise.Name != "阳光科技有限公司" {
				t.Errorf("form not normalized: name %q", c.Form.Enterprise.Name)
			}
			if got, want := c.Registration.Application.Contact, "李四 13900139000"; got != want {
				t.Errorf("contact = %q, want %q", got, want)
			}
			if !strings.Contains(c.Registration.Application.Record, f.Entrustment.Matters) {
				t.Errorf("application record %q lacks the matters", c.Registration.Application.Record)
			}
			gotEv := [...]any{ev.Action, ev.Status, ev.Public, ev.ActorRole, ev.Payload["channel"]}
			wantEv := [...]any{casework.ActionSubmit, casework.Submitted, true, tc.role, string(tc.channel)}
			if gotEv != wantEv {
				t.Errorf("event = %v, want %v", gotEv, wantEv)
			}
			if c.Stage() != casework.StageIntake {
				t.Errorf("stage = %s, want intake", c.Stage())
			}
		})
	}

	t.Run("contact_is_the_lead_without_a_handler", func(t *testing.T) {
		f := validForm()
		f.Enterprise.Handler = casework.Person{}
		c, _, err := casework.NewCase(f, casework.ChannelPortal, actor(enterprise), casework.FormFull, monday)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Registration.Application.Contact, "张三 13800138000"; got != want {
			t.Errorf("contact = %q, want %q", got, want)
		}
	})

	for _, ch := range []casework.Channel{"", "email", "WINDOW"} {
		t.Run("invalid_channel_"+string(ch), func(t *testing.T) {
			c, ev, err := casework.NewCase(validForm(), ch, actor(clerk), casework.FormIntake, monday)
			wantField(t, err, "channel")
			if c != nil || ev != nil {
				t.Errorf("refused NewCase returned a case or an event")
			}
		})
	}
}

// required lists the JSON paths a mode requires, transcribed from the form.
var required = map[casework.FormMode][]string{
	casework.FormFull: {
		"enterprise.name", "enterprise.address", "enterprise.lead.name", "enterprise.lead.phone",
		"enterprise.credit_code", "project.name", "entrustment.matters", "entrustment.service_type",
	},
	casework.FormIntake: {"enterprise.name", "entrustment.matters"},
}

func TestNewCaseRequiredFields(t *testing.T) {
	for _, mode := range []casework.FormMode{casework.FormFull, casework.FormIntake} {
		name := map[casework.FormMode]string{casework.FormFull: "full", casework.FormIntake: "intake"}[mode]
		t.Run(name+"/empty_form", func(t *testing.T) {
			_, _, err := casework.NewCase(casework.Form{}, casework.ChannelWindow, actor(clerk), mode, monday)
			wantCode(t, err, errs.Unprocessable)
			got := errs.FieldsOf(err)
			if len(got) != len(required[mode]) {
				t.Errorf("fields = %v, want exactly %v", got, required[mode])
			}
			for _, k := range required[mode] {
				if got[k] == "" {
					t.Errorf("no message for required %s", k)
				}
			}
		})
		t.Run(name+"/minimal_form", func(t *testing.T) {
			f := casework.Form{}
			f.Enterprise.Name, f.Entrustment.Matters = "某公司", "咨询立项"
			if mode == casework.FormFull {
				f.Enterprise.Address, f.Enterprise.Lead = "地址", casework.Person{Name: "张三", Phone: "13800138000"}
				f.Enterprise.CreditCode, f.Project.Name, f.Entrustment.ServiceType = validCreditCode, "项目", "assist"
			}
			if _, _, err := casework.NewCase(f, casework.ChannelWindow, actor(clerk), mode, monday); err != nil {
				t.Errorf("NewCase: %v (%v)", err, errs.FieldsOf(err))
			}
		})
	}
}

func TestFormValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("字", n) }
	for _, tc := range []struct {
		name  string
		edit  func(f *casework.Form)
		field string // "" means valid
	}{
		{"valid", func(f *casework.Form) {}, ""},
		{"credit_code_lower_case_is_normalized", func(f *casework.Form) { f.Enterprise.CreditCode = " " + strings.ToLower(validCreditCode) }, ""},
		{"credit_code_made_with_check", func(f *casework.Form) { f.Enterprise.CreditCode = casework.CreditCodeWithCheck("92440300MA5FXXXX0") }, ""},
		{"credit_code_wrong_check_char", func(f *casework.Form) { f.Enterprise.CreditCode = flipCheck(validCreditCode) }, "enterprise.credit_code"},
		{"credit_code_17_chars", func(f *casework.Form) { f.Enterprise.CreditCode = validCreditCode[:17] }, "enterprise.credit_code"},
		{"credit_code_forbidden_letter", func(f *casework.Form) { f.Enterprise.CreditCode = "9135010OM000100Y43" }, "enterprise.credit_code"},
		{"mobile_ok", func(f *casework.Form) { f.Enterprise.Lead.Phone = "19912345678" }, ""},
		{"landline_ok", func(f *casework.Form) { f.Enterprise.Lead.Phone = "0591-87654321" }, ""},
		{"mobile_second_digit_2", func(f *casework.Form) { f.Enterprise.Lead.Phone = "12812345678" }, "enterprise.lead.phone"},
		{"mobile_10_digits", func(f *casework.Form) { f.Enterprise.Lead.Phone = "1381234567" }, "enterprise.lead.phone"},
		{"mobile_12_digits", func(f *casework.Form) { f.Enterprise.Lead.Phone = "138123456789" }, "enterprise.lead.phone"},
		{"mobile_with_country_code", func(f *casework.Form) { f.Enterprise.Lead.Phone = "+8613812345678" }, "enterprise.lead.phone"},
		{"handler_phone_checked", func(f *casework.Form) { f.Enterprise.Handler.Phone = "abc" }, "enterprise.handler.phone"},
		{"handler_phone_optional", func(f *casework.Form) { f.Enterprise.Handler.Phone = "" }, ""},
		{"email_optional", func(f *casework.Form) { f.Enterprise.Email = "" }, ""},
		{"email_trimmed", func(f *casework.Form) { f.Enterprise.Email = " a.b@example.com.cn " }, ""},
		{"email_without_at", func(f *casework.Form) { f.Enterprise.Email = "contact.example.cn" }, "enterprise.email"},
		{"email_with_display_name", func(f *casework.Form) { f.Enterprise.Email = "张三 <a@example.cn>" }, "enterprise.email"},
		{"email_two_addresses", func(f *casework.Form) { f.Enterprise.Email = "a@example.cn,b@example.cn" }, "enterprise.email"},
		{"decimal_integer", func(f *casework.Form) { f.Project.TotalInvestment = "5000" }, ""},
		{"decimal_two_places", func(f *casework.Form) { f.Project.TotalInvestment = "0.05" }, ""},
		{"decimal_zero", func(f *casework.Form) { f.Project.FloorArea = "0" }, ""},
		{"decimal_three_places", func(f *casework.Form) { f.Project.TotalInvestment = "1.005" }, "project.total_investment"},
		{"decimal_negative", func(f *casework.Form) { f.Project.FloorArea = "-1" }, "project.floor_area"},
		{"decimal_exponent", func(f *casework.Form) { f.Project.FloorArea = "1e3" }, "project.floor_area"},
		{"decimal_text", func(f *casework.Form) { f.Project.TotalInvestment = "一千万" }, "project.total_investment"},
		{"decimal_thousands_separator", func(f *casework.Form) { f.Project.TotalInvestment = "1,000" }, "project.total_investment"},
		{"fund_source_unknown", func(f *casework.Form) { f.Project.FundSources = []string{"private", "bank"} }, "project.fund_sources"},
		{"fund_source_duplicate", func(f *casework.Form) { f.Project.FundSources = []string{"private", "private"} }, "project.fund_sources"},
		{"fund_source_other_needs_text", func(f *casework.Form) { f.Project.FundSources = []string{"other"} }, "project.fund_source_other"},
		{"fund_source_other_with_text", func(f *casework.Form) {
			f.Project.FundSources, f.Project.FundSourceOther = []string{"other"}, "银行贷款"
		}, ""},
		{"fund_source_other_text_too_long", func(f *casework.Form) {
			f.Project.FundSources, f.Project.FundSourceOther = []string{"other"}, long(101)
		}, "project.fund_source_other"},
		{"fund_sources_all", func(f *casework.Form) {
			f.Project.FundSources, f.Project.FundSourceOther = []string{"government", "private", "hk_macao_taiwan", "foreign", "other"}, "债券"
		}, ""},
		{"land_nature_unknown", func(f *casework.Form) { f.Project.LandNature = []string{"rented"} }, "project.land_nature"},
		{"land_nature_other_needs_text", func(f *casework.Form) { f.Project.LandNature = []string{"owned", "other"} }, "project.land_nature_other"},
		{"land_nature_all", func(f *casework.Form) {
			f.Project.LandNature, f.Project.LandNatureOther = []string{"allocated", "transferred", "collective", "owned", "other"}, "租赁"
		}, ""},
		{"key_project_unknown", func(f *casework.Form) { f.Project.KeyProject = "national" }, "project.key_project"},
		{"key_project_other_needs_text", func(f *casework.Form) { f.Project.KeyProject = "other" }, "project.key_project_other"},
		{"key_project_none", func(f *casework.Form) { f.Project.KeyProject = "none" }, ""},
		{"key_project_provincial", func(f *casework.Form) { f.Project.KeyProject = "provincial" }, ""},
		{"stages_unknown", func(f *casework.Form) { f.Entrustment.Stages = []string{"design"} }, "entrustment.stages"},
		{"stages_other_needs_text", func(f *casework.Form) { f.Entrustment.Stages = []string{"other"} }, "entrustment.stages_other"},
		{"stages_all", func(f *casework.Form) {
			f.Entrustment.Stages, f.Entrustment.StagesOther = []string{"initiation", "land", "planning", "construction", "completion", "other"}, "验收"
		}, ""},
		{"service_type_unknown", func(f *casework.Form) { f.Entrustment.ServiceType = "both" }, "entrustment.service_type"},
		{"project_code_chinese", func(f *casework.Form) { f.Project.Code = "项目一" }, "project.code"},
		{"enterprise_name_100_chars", func(f *casework.Form) { f.Enterprise.Name = long(100) }, ""},
		{"enterprise_name_101_chars", func(f *casework.Form) { f.Enterprise.Name = long(101) }, "enterprise.name"},
		{"enterprise_name_spaces_only", func(f *casework.Form) { f.Enterprise.Name = "   " }, "enterprise.name"},
		{"address_too_long", func(f *casework.Form) { f.Enterprise.Address = long(201) }, "enterprise.address"},
		{"lead_name_too_long", func(f *casework.Form) { f.Enterprise.Lead.Name = long(51) }, "enterprise.lead.name"},
		{"matters_2000_chars", func(f *casework.Form) { f.Entrustment.Matters = long(2000) }, ""},
		{"matters_2001_chars", func(f *casework.Form) { f.Entrustment.Matters = long(2001) }, "entrustment.matters"},
		{"remarks_too_long", func(f *casework.Form) { f.Entrustment.Remarks = long(2001) }, "entrustment.remarks"},
		{"purpose_scale_too_long", func(f *casework.Form) { f.Project.PurposeScale = long(1001) }, "project.purpose_scale"},
		{"progress_too_long", func(f *casework.Form) { f.Project.Progress = long(1001) }, "project.progress"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validForm()
			tc.edit(&f)
			for _, mode := range []casework.FormMode{casework.FormFull, casework.FormIntake} {
				_, _, err := casework.NewCase(f, casework.ChannelPortal, actor(enterprise), mode, monday)
				if tc.field == "" {
					if err != nil {
						t.Errorf("mode %d: %v (%v)", mode, err, errs.FieldsOf(err))
					}
					continue
				}
				wantField(t, err, tc.field)
				if got := errs.FieldsOf(err); len(got) != 1 {
					t.Errorf("mode %d: fields = %v, want only %s", mode, got, tc.field)
				}
			}
		})
	}
}

// Normalize trims every text and drops empty checkbox entries, as a web
// form that posts an empty hidden value would send them; the caller's
// slices are not modified.
func TestFormNormalize(t *testing.T) {
	f := validForm()
	f.Project.FundSources = []string{" private ", "", "government"}
	f.Project.LandNature = []string{"", " owned"}
	f.Entrustment.Stages = []string{" "}
	f.Enterprise.Lead.Phone = " 13800138000 "
	orig := deepCopy(f)
	c, _, err := casework.NewCase(f, casework.ChannelPortal, actor(enterprise), casework.FormFull, monday)
	if err != nil {
		t.Fatalf("NewCase: %v (%v)", err, errs.FieldsOf(err))
	}
	got := [][]string{c.Form.Project.FundSources, c.Form.Project.LandNature, c.Form.Entrustment.Stages}
	want := [][]string{{"private", "government"}, {"owned"}, {}}
	for i := range got {
		if len(got[i]) != len(want[i]) || (len(want[i]) > 0 && !reflect.DeepEqual(got[i], want[i])) {
			t.Errorf("list %d = %q, want %q", i, got[i], want[i])
		}
	}
	if c.Form.Enterprise.Lead.Phone != "13800138000" {
		t.Errorf("phone = %q", c.Form.Enterprise.Lead.Phone)
	}
	if !reflect.DeepEqual(f, orig) {
		t.Errorf("NewCase changed the caller's form: %+v", f)
	}
}

// The form arrives as JSON: decimals as a number or a string keep their
// exact text, and bad ones are refused by NewCase.
func TestFormJSONDecimals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		json  string
		want  casework.Decimal
		valid bool
	}{
		{"number", `12345678.90`, "12345678.90", true},
		{"number_not_rounded_by_float", `9999999999.99`, "9999999999.99", true},
		{"integer", `35000`, "35000", true},
		{"string", `"1200.5"`, "1200.5", true},
		{"string_trimmed", `" 88.00 "`, "88.00", true},
		{"null", `null`, "", true},
		{"negative_number", `-3`, "-3", false},
		{"three_places", `0.125`, "0.125", false},
		{"exponent", `1e3`, "1e3", false},
		{"text", `"十万"`, "十万", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p casework.Project
			if err := json.Unmarshal([]byte(`{"name":"项目","total_investment":`+tc.json+`}`), &p); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if p.TotalInvestment != tc.want {
				t.Errorf("decimal = %q, want %q", p.TotalInvestment, tc.want)
			}
			if got := p.TotalInvestment.Valid(); got != tc.valid {
				t.Errorf("Valid() = %v, want %v", got, tc.valid)
			}
			f := validForm()
			f.Project.TotalInvestment = p.TotalInvestment
			_, _, err := casework.NewCase(f, casework.ChannelPortal, actor(enterprise), casework.FormFull, monday)
			if tc.valid && err != nil {
				t.Errorf("NewCase: %v (%v)", err, errs.FieldsOf(err))
			}
			if !tc.valid {
				wantField(t, err, "project.total_investment")
			}
		})
	}

	t.Run("whole_form_round_trip", func(t *testing.T) {
		in := `{"enterprise":{"name":"甲公司","credit_code":"` + validCreditCode + `"},
			"project":{"total_investment":100.10,"floor_area":"2500.5","fund_sources":["government","other"],"fund_source_other":"专项债"},
			"entrustment":{"stages":["land"],"matters":"用地预审","service_type":"assist"}}`
		var f casework.Form
		if err := json.Unmarshal([]byte(in), &f); err != nil {
			t.Fatal(err)
		}
		got := [...]casework.Decimal{f.Project.TotalInvestment, f.Project.FloorArea}
		if want := [...]casework.Decimal{"100.10", "2500.5"}; got != want {
			t.Errorf("decimals = %v, want %v", got, want)
		}
		if !reflect.DeepEqual(f.Project.FundSources, []string{"government", "other"}) {
			t.Errorf("fund sources = %v", f.Project.FundSources)
		}
		if _, _, err := casework.NewCase(f, casework.ChannelWindow, actor(clerk), casework.FormIntake, monday); err != nil {
			t.Errorf("NewCase: %v (%v)", err, errs.FieldsOf(err))
		}
	})
}
