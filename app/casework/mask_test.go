package casework

import "testing"

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"13800138000", "138****8000"}, {"", ""}, {"12345", "****"}, {"0755123", "07****23"},
	} {
		if got := MaskPhone(tc.in); got != tc.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"李四 13900139000，座机0755-12345678": "李四 139****9000，座机075****5678",
		"13900139000":             "139****9000",
		"13900139000,13800138000": "139****9000,138****8000",
		"2026-03-02 运单SF1234567890 代码2026-441700-39-01-000123": "2026-03-02 运单SF1234567890 代码2026-441700-39-01-000123",
	} {
		if got := MaskPhonesIn(in); got != want {
			t.Errorf("MaskPhonesIn(%q) = %q, want %q", in, got, want)
		}
	}
}
