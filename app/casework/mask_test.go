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
	if got, want := MaskPhonesIn("李四 13900139000，座机0755-12345678"), "李四 139****9000，座机075****5678"; got != want {
		t.Errorf("MaskPhonesIn = %q, want %q", got, want)
	}
}
