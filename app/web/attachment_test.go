package web

import "testing"

func TestContentDisposition(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "report-1.pdf", `attachment; filename="report-1.pdf"; filename*=UTF-8''report-1.pdf`},
		{"chinese and space", "申请 表.pdf",
			`attachment; filename="__ _.pdf"; filename*=UTF-8''%E7%94%B3%E8%AF%B7%20%E8%A1%A8.pdf`},
		{"quote and backslash", `a"b\c.txt`, `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`},
		{"control character", "a\nb", `attachment; filename="a_b"; filename*=UTF-8''a%0Ab`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContentDisposition(tt.in); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
