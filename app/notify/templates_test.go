package notify_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"sunshine/app/notify"
)

func TestFitValue(t *testing.T) {
	long := strings.Repeat("阳光代办", 8) // 32 characters
	for _, tc := range []struct{ key, in, want string }{
		{"thing1", "智能制造产业园", "智能制造产业园"},
		{"thing2", long, string([]rune(long)[:19]) + "…"},
		{"thing3", strings.Repeat("a", 20), strings.Repeat("a", 20)},
		{"thing4", "  多个   空格\n换行 ", "多个 空格 换行"},
		{"thing5", "", "无"},
		{"phrase1", "待补充材料", "待补充材料"},
		{"phrase2", "已经办结完成了", "已经办结完"},
		{"phrase3", "OK已受理1", "已受理"},
		{"name1", "欧阳阳光代办专员王小明", "欧阳阳光代办专员王小"},
		{"name2", "Wang Xiaoming Jr the Third", "Wang Xiaoming Jr the"},
		{"character_string1", "YGDB-2026-000123", "YGDB-2026-000123"},
		{"character_string2", "顺丰 SF 1234567890", "SF1234567890"},
		{"character_string3", strings.Repeat("9", 40), strings.Repeat("9", 32)},
		{"character_string4", "当面递交", "-"},
		{"number1", "共12.5件", "12.5"},
		{"amount2", "1,200.50元", "1200.50"},
		{"letter1", "ab12cd", "abcd"},
		{"phone_number1", "0662-1234567 转 8", "0662-12345678"},
		{"time5", "2026-10-09 14:30", "2026-10-09 14:30"},
		{"time6", "2026-10-09", "2026-10-09 00:00"},
		{"time7", "2026-10-09T06:30:00Z", "2026-10-09 14:30"},
		{"time8", "下周", "-"},
		{"date1", "2026-10-09 14:30", "2026-10-09"},
		{"keyword1", strings.Repeat("字", 250), strings.Repeat("字", 199) + "…"},
	} {
		if got := notify.FitValue(tc.key, tc.in); got != tc.want {
			t.Errorf("FitValue(%s, %q) = %q, want %q", tc.key, tc.in, got, tc.want)
		}
	}
	if n := utf8.RuneCountInString(notify.FitValue("thing1", long)); n != 20 {
		t.Errorf("a cut thing has %d characters, want 20", n)
	}
}

func TestParseTemplates(t *testing.T) {
	def := notify.DefaultTemplates()
	if got := def.SubscribeIDs(); !slices.Equal(got, []string{"sim-tmpl-delivery", "sim-tmpl-progress", "sim-tmpl-rating"}) {
		t.Fatalf("default subscribe ids = %v", got)
	}
	tpl, err := notify.ParseTemplates(map[string]string{
		"delivered":    "T-DELIVERY|thing1=project,character_string2=tracking_no",
		"oa_delivered": "OA-DELIVERY",
		"accepted":     "T-ACC",
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := tpl.SubscribeIDs(); !slices.Equal(got, []string{"T-ACC", "T-DELIVERY"}) {
		t.Errorf("configured ids = %v", got)
	}
	if _, ok := tpl.Subscribe(notify.EventRejected); ok {
		t.Errorf("live configuration has a template for an unconfigured event")
	}
	d, _ := tpl.Subscribe(notify.EventDelivered)
	data := d.Render(map[string]any{"project": "项目", "tracking_no": "SF 100", "result": "办结"})
	if len(data) != 2 || data["thing1"] != "项目" || data["character_string2"] != "SF100" {
		t.Errorf("rendered = %v", data)
	}
	if oa, ok := tpl.Official(notify.EventDelivered); !ok || oa.ID != "OA-DELIVERY" || len(oa.Fields) != 5 {
		t.Errorf("official template = %+v (want the default delivery layout)", oa)
	}
	withDefaults, err := notify.ParseTemplates(map[string]string{"accepted": "T-ACC"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := withDefaults.Subscribe(notify.EventAccepted); a.ID != "T-ACC" {
		t.Errorf("override = %q", a.ID)
	}
	if r, _ := withDefaults.Subscribe(notify.EventRejected); r.ID != "sim-tmpl-progress" {
		t.Errorf("default kept = %q", r.ID)
	}
	for _, bad := range []map[string]string{
		{"lunch": "T"}, {"accepted": "T|thing1"}, {"accepted": "T|thing1=salary"},
	} {
		if _, err := notify.ParseTemplates(bad, true); err == nil {
			t.Errorf("ParseTemplates(%v) accepted a bad configuration", bad)
		}
	}
}
